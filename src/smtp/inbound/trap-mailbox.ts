// Trap mode (`serve --trap`, issue 4 §5, like mailpit): every recipient on every domain is accepted
// and everything is filed into one account's INBOX, readable over IMAP.
//
// Which account: `smtp.inbound.trapAccount`, or `trap@<hostname>` when that is empty. If it does not
// exist it is created on first use (its domain too) with a random password, and a warning says how
// to set one (`mail-server user passwd <address>`); creating it beforehand with `user add` is the
// smoother route. The account is kept after trap mode ends.
import type { Config } from '../../config/schema.ts'
import { isMailError } from '../../core/errors.ts'
import type { Logger } from '../../core/logger.ts'
import type { Storage } from '../../storage/index.ts'
import type { LocalTarget } from './recipient-route.ts'

export interface TrapMailbox {
  readonly address: string
  /** The trap account, created if missing. */
  target(): Promise<LocalTarget>
}

export function trapAddress(config: Config): string {
  return config.smtp.inbound.trapAccount || `trap@${config.hostname}`
}

export function createTrapMailbox(deps: { storage: Storage; config: Config; logger: Logger }): TrapMailbox {
  const address = trapAddress(deps.config)
  let pending: Promise<LocalTarget> | null = null

  const findOrCreate = async (): Promise<LocalTarget> => {
    const existing = await deps.storage.accounts.get(address)
    if (existing) return { accountId: existing.id, email: existing.email, tag: null }
    const domain = address.slice(address.lastIndexOf('@') + 1)
    if (!(await deps.storage.domains.get(domain))) {
      await deps.storage.domains.add(domain).catch(e => {
        if (!(isMailError(e) && e.codes.code === 'duplicate_domain')) throw e
      })
    }
    try {
      const created = await deps.storage.accounts.create({ email: address, password: crypto.randomUUID() })
      deps.logger.warn('created the trap account; set its password to read it over IMAP', {
        account: created.email,
        command: `mail-server user passwd ${created.email}`,
      })
      return { accountId: created.id, email: created.email, tag: null }
    } catch (e) {
      // Another connection created it at the same moment.
      const raced = await deps.storage.accounts.get(address)
      if (raced) return { accountId: raced.id, email: raced.email, tag: null }
      throw e
    }
  }

  const target = (): Promise<LocalTarget> => {
    pending ??= findOrCreate().catch(e => {
      pending = null
      throw e
    })
    // Re-checked on every use: the account may have been deleted since.
    return pending.then(async found => {
      if (await deps.storage.accounts.get(found.accountId)) return found
      pending = null
      return target()
    })
  }
  return { address, target }
}
