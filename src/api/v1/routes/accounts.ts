// Handlers for /accounts.
import { parseAddress, parseDomain } from '../../../core/address.ts'
import { generatePassword } from '../../../cli/read-secret.ts'
import type { AccountRecord } from '../../../storage/repositories/accounts.ts'
import { unknownAccount } from '../../../storage/storage-errors.ts'
import type { ApiServices } from '../api-services.ts'
import type { accountOperations } from '../contract/accounts.ts'
import { decodeCursor, encodeCursor } from '../pagination.ts'
import type { HandlersFor } from '../register-operation.ts'
import { isoTime } from './iso-time.ts'

export const accountView = (a: AccountRecord) => ({
  email: a.email,
  domain: a.email.slice(a.email.lastIndexOf('@') + 1),
  displayName: a.displayName,
  quotaBytes: a.quotaBytes,
  disabled: a.disabled,
  createdAt: isoTime(a.createdAt),
  updatedAt: isoTime(a.updatedAt),
})

/** The password a request asks for: its own, or a generated one that is returned once. */
const choosePassword = (body: { password?: string; generatePassword?: true }) =>
  body.generatePassword
    ? { password: generatePassword(), generated: true }
    : { password: body.password ?? '', generated: false }

export function accountHandlers(services: ApiServices): HandlersFor<typeof accountOperations> {
  const { storage } = services.deps

  /** The account, 400 for a malformed address, 404 when there is none. */
  const requireAccount = async (email: string) => {
    const { address } = parseAddress(email)
    const account = await storage.accounts.get(address)
    if (!account) throw unknownAccount(address)
    return account
  }

  return {
    async listAccounts({ query }) {
      const page = await storage.accounts.list({
        domain: query.domain === undefined ? undefined : parseDomain(query.domain),
        after: decodeCursor(query.cursor, 'number'),
        limit: query.limit,
      })
      return { items: page.items.map(accountView), nextCursor: page.next === null ? null : encodeCursor(page.next) }
    },

    async createAccount({ body }, ctx) {
      const { password, generated } = choosePassword(body)
      const account = await storage.accounts.create({
        email: body.email,
        password,
        displayName: body.displayName,
        quotaBytes: body.quotaBytes,
      })
      await storage.audit.record({
        actor: ctx.actor,
        action: 'account.create',
        target: account.email,
        details: { quotaBytes: account.quotaBytes, generatedPassword: generated },
      })
      return { account: accountView(account), ...(generated ? { generatedPassword: password } : {}) }
    },

    async getAccount({ params }) {
      const account = await requireAccount(params.email)
      return { ...accountView(account), usage: await storage.accounts.usage(account.id) }
    },

    async updateAccount({ params, body }, ctx) {
      let account = await requireAccount(params.email)
      if (body.displayName !== undefined || body.quotaBytes !== undefined) {
        account = await storage.accounts.update(account.id, {
          displayName: body.displayName,
          quotaBytes: body.quotaBytes,
        })
      }
      if (body.disabled !== undefined) account = await storage.accounts.setDisabled(account.id, body.disabled)
      await storage.audit.record({ actor: ctx.actor, action: 'account.update', target: account.email, details: body })
      return accountView(account)
    },

    async setAccountPassword({ params, body }, ctx) {
      const account = await requireAccount(params.email)
      const { password, generated } = choosePassword(body)
      await storage.accounts.setPassword(account.id, password)
      await storage.audit.record({ actor: ctx.actor, action: 'account.password', target: account.email })
      return { email: account.email, ...(generated ? { generatedPassword: password } : {}) }
    },

    async deleteAccount({ params, query }, ctx) {
      const account = await requireAccount(params.email)
      await storage.accounts.delete(account.id, { removeData: !query.keepData })
      await storage.audit.record({
        actor: ctx.actor,
        action: 'account.delete',
        target: account.email,
        details: { keepData: query.keepData },
      })
      return undefined
    },
  }
}
