// Aliases: list, add (one address, one or more targets), remove.
import type { Hono } from 'hono'
import type { AdminEnv, AdminServices } from '../admin-services.ts'
import { adminActor, formAction } from '../form-action.ts'
import { formFields } from '../form-fields.ts'
import { sessionPage } from '../page-response.ts'

const LIST_PATH = '/admin/aliases'

/** "a@x.org, b@y.org c@z.org" → the addresses (commas, semicolons and white space separate). */
export const splitTargets = (text: string): string[] => text.split(/[\s,;]+/).filter(t => t !== '')

export function registerAliasRoutes(app: Hono<AdminEnv>, services: AdminServices): void {
  const { storage } = services.deps

  app.get('/aliases', async c => {
    const aliases = await storage.aliases.list()
    return sessionPage(
      c,
      services,
      'aliases',
      { title: 'Aliases', section: 'aliases' },
      { aliases: aliases.map(a => ({ address: a.address, targets: a.targets.join(', ') })) },
    )
  })

  app.post('/aliases', async c => {
    const form = await formFields(c)
    return formAction(c, services, LIST_PATH, async () => {
      const alias = await storage.aliases.add(form.address ?? '', splitTargets(form.targets ?? ''))
      await storage.audit.record({
        actor: adminActor(c),
        action: 'alias.create',
        target: alias.address,
        details: { targets: alias.targets },
      })
      return `Alias ${alias.address} now delivers to ${alias.targets.join(', ')}.`
    })
  })

  app.post('/aliases/remove', async c => {
    const form = await formFields(c)
    return formAction(c, services, LIST_PATH, async () => {
      const address = form.address ?? ''
      await storage.aliases.remove(address)
      await storage.audit.record({ actor: adminActor(c), action: 'alias.remove', target: address })
      return `Removed alias ${address}.`
    })
  })
}
