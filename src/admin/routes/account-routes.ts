// Mail accounts: list (by domain, paged), add, change password, disable/enable, delete.
import type { Context, Hono } from 'hono'
import { parseDomain } from '../../core/address.ts'
import { MailError } from '../../core/errors.ts'
import type { AccountRecord } from '../../storage/repositories/accounts.ts'
import { unknownAccount } from '../../storage/storage-errors.ts'
import type { AdminEnv, AdminServices } from '../admin-services.ts'
import { badge } from '../class-names.ts'
import { formatBytes } from '../display-format.ts'
import { adminActor, formAction, notConfirmed } from '../form-action.ts'
import { formFields } from '../form-fields.ts'
import { sessionPage } from '../page-response.ts'

const PAGE_SIZE = 100
const LIST_PATH = '/admin/accounts'

const accountPath = (id: number) => `${LIST_PATH}/${id}`

/** `?domain=` filter, or '' for every domain; an unparsable value is a clear error, not a 500. */
function domainFilter(c: Context): string {
  const raw = c.req.query('domain') ?? ''
  return raw === '' ? '' : parseDomain(raw)
}

export function registerAccountRoutes(app: Hono<AdminEnv>, services: AdminServices): void {
  const { storage } = services.deps

  /** The account of the `:id` route parameter, or a user error (shown as the flash message). */
  const requireAccount = async (c: Context): Promise<AccountRecord> => {
    const raw = c.req.param('id') ?? ''
    const id = /^[1-9][0-9]{0,15}$/.test(raw) ? Number(raw) : Number.NaN
    const account = Number.isSafeInteger(id) ? await storage.accounts.get(id) : null
    if (!account) throw unknownAccount(raw)
    return account
  }

  app.get('/accounts', async c => {
    let domain = ''
    let error = ''
    try {
      domain = domainFilter(c)
    } catch (e) {
      error = e instanceof Error ? e.message : String(e)
    }
    const afterRaw = c.req.query('after') ?? ''
    const after = /^[0-9]{1,15}$/.test(afterRaw) ? Number(afterRaw) : undefined
    const [page, domains] = await Promise.all([
      storage.accounts.list({ domain: domain || undefined, after, limit: PAGE_SIZE }),
      storage.domains.list(),
    ])
    if (error) services.sessions.setFlash(c.get('session').id, { kind: 'error', text: error })
    const query = (next: number) =>
      `${LIST_PATH}?${new URLSearchParams({ ...(domain ? { domain } : {}), after: String(next) })}`
    return sessionPage(
      c,
      services,
      'accounts',
      { title: 'Accounts', section: 'accounts' },
      {
        domainOptions: [
          { value: '', label: 'All domains', selected: domain === '' ? 'selected' : '' },
          ...domains.map(d => ({ value: d.name, label: d.name, selected: d.name === domain ? 'selected' : '' })),
        ],
        accounts: page.items.map(a => ({
          email: a.email,
          displayName: a.displayName ?? '',
          quota: a.quotaBytes === null ? 'unlimited' : formatBytes(a.quotaBytes),
          badge: a.disabled ? badge('disabled', 'gray') : badge('active', 'green'),
          toggleLabel: a.disabled ? 'Enable' : 'Disable',
          actions: {
            password: `${accountPath(a.id)}/password`,
            toggle: `${accountPath(a.id)}/${a.disabled ? 'enable' : 'disable'}`,
            delete: `${accountPath(a.id)}/delete`,
          },
        })),
        nextHref: page.next === null ? '' : query(page.next),
      },
    )
  })

  app.post('/accounts', async c => {
    const form = await formFields(c)
    return formAction(c, services, LIST_PATH, async () => {
      const displayName = (form.displayName ?? '').trim()
      const account = await storage.accounts.create({
        email: form.email ?? '',
        password: form.password ?? '',
        displayName: displayName === '' ? null : displayName,
      })
      await storage.audit.record({ actor: adminActor(c), action: 'account.create', target: account.email })
      return `Added account ${account.email}.`
    })
  })

  app.post('/accounts/:id/password', async c => {
    const form = await formFields(c)
    return formAction(c, services, LIST_PATH, async () => {
      const account = await requireAccount(c)
      const password = form.password ?? ''
      if (password === '') throw new MailError('user', 'the new password is empty', { code: 'invalid_password' })
      await storage.accounts.setPassword(account.id, password)
      await storage.audit.record({ actor: adminActor(c), action: 'account.password', target: account.email })
      return `Changed the password of ${account.email}.`
    })
  })

  for (const [verb, disabled] of [
    ['disable', true],
    ['enable', false],
  ] as const) {
    app.post(`/accounts/:id/${verb}`, c =>
      formAction(c, services, LIST_PATH, async () => {
        const account = await storage.accounts.setDisabled((await requireAccount(c)).id, disabled)
        await storage.audit.record({ actor: adminActor(c), action: `account.${verb}`, target: account.email })
        return `${disabled ? 'Disabled' : 'Enabled'} ${account.email}.`
      }),
    )
  }

  app.post('/accounts/:id/delete', async c => {
    const form = await formFields(c)
    return formAction(c, services, LIST_PATH, async () => {
      const account = await requireAccount(c)
      if (form.confirm !== 'yes') throw notConfirmed(account.email)
      await storage.accounts.delete(account.id, { removeData: true })
      await storage.audit.record({ actor: adminActor(c), action: 'account.delete', target: account.email })
      return `Deleted ${account.email} and its mail.`
    })
  })
}
