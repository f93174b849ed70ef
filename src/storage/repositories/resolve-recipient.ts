// Recipient resolution for SMTP RCPT TO (and anything else that needs "who gets mail for X").
//
// Order, for `local+tag@domain` in a hosted domain:
//   1. the exact address as an account or alias (someone may really own `a+b@`);
//   2. the address without the tag (RFC 5233 subaddress; the tag is returned for Sieve);
//   3. the domain's catch-all target.
// Aliases expand recursively (an alias may point at aliases), at most MAX_ALIAS_DEPTH levels deep;
// an address already visited is skipped, so loops end instead of recursing. Alias targets in a
// hosted domain that name nothing are dropped (and logged); targets elsewhere are external.
// Disabled accounts reached through an alias are skipped; if nothing else remains, the result is
// `disabled`, like a direct hit on a disabled account or a disabled domain.
import type { Statement } from 'bun:sqlite'
import { catalogMemo } from '../db/catalog-version.ts'
import { parseAddress, splitSubaddress } from '../../core/address.ts'
import type { RepositoryContext } from './context.ts'

export const MAX_ALIAS_DEPTH = 10
/** Upper bound on addresses one recipient may expand to (a guard against alias bombs). */
export const MAX_EXPANSION = 1000

export interface LocalRecipient {
  accountId: number
  email: string
  /** Subaddress for this delivery: the target's own tag, else the tag of the original address. */
  tag: string | null
  /** The account's storage quota (null: none), so RCPT-time quota checks need no second lookup. */
  quotaBytes?: number | null
}

export type ResolutionVia = 'account' | 'alias' | 'catch-all'

export type RecipientResolution =
  /** At least one local account (aliases may add external forwards too). */
  | {
      kind: 'local'
      address: string
      accounts: LocalRecipient[]
      external: string[]
      tag: string | null
      via: ResolutionVia
    }
  /** An alias or catch-all that only forwards to other servers. */
  | { kind: 'external'; address: string; addresses: string[]; tag: string | null; via: ResolutionVia }
  /** Hosted domain, but nothing receives mail for this address (SMTP 550 5.1.1). */
  | { kind: 'unknown'; address: string }
  /** The account, or every account it leads to, or the domain, is disabled (SMTP 550 5.2.1). */
  | { kind: 'disabled'; address: string }
  /** The domain is not hosted here: relay decision for the caller (authenticated submission only). */
  | { kind: 'remote'; address: string }

interface RawDomainRow {
  id: number
  name: string
  catchAll: string | null
  enabled: number
}

interface RawAccountRow {
  id: number
  email: string
  disabled: number
  quotaBytes: number | null
}

interface Expansion {
  accounts: LocalRecipient[]
  external: string[]
  disabled: number
}

/** Resolve one recipient. Throws `invalid_address` (syntax) for unparsable input. */
export function createRecipientResolver(ctx: RepositoryContext): (address: string) => Promise<RecipientResolution> {
  const { db } = ctx
  // Prepared once: every RCPT TO runs these, and building and preparing a drizzle query per call
  // cost more than running it; plain bun:sqlite statements also skip drizzle's per-call mapping
  // (profiled under bench/smtp.ts).
  const sqlite = db.$client
  const domainQuery: Statement<RawDomainRow, [string]> = sqlite.query(
    'SELECT id, name, catch_all AS catchAll, enabled FROM domains WHERE name = ?',
  )
  const accountQuery: Statement<RawAccountRow, [string]> = sqlite.query(
    'SELECT id, email, disabled, quota_bytes AS quotaBytes FROM accounts WHERE email = ?',
  )
  const aliasQuery: Statement<{ target: string }, [string]> = sqlite.query(
    'SELECT target FROM aliases WHERE address = ? ORDER BY id',
  )
  // Cached while the catalog stays the same (db/catalog-version.ts): the same few addresses are
  // looked up for every message.
  const domainByName = catalogMemo(ctx.catalog, name => {
    const row = domainQuery.get(name)
    return row === null ? undefined : { ...row, enabled: row.enabled !== 0 }
  })
  const accountByEmail = catalogMemo(ctx.catalog, email => {
    const row = accountQuery.get(email)
    return row === null ? undefined : { ...row, disabled: row.disabled !== 0 }
  })
  const aliasTargets = catalogMemo(ctx.catalog, address => aliasQuery.all(address).map(r => r.target))

  // One target, recursively. `visited` is shared across the whole expansion (loop protection).
  const expand = (address: string, fallbackTag: string | null, depth: number, visited: Set<string>, out: Expansion) => {
    if (visited.has(address) || visited.size >= MAX_EXPANSION) return
    visited.add(address)
    const at = address.lastIndexOf('@')
    const domain = address.slice(at + 1)
    const domainRow = domainByName(domain)
    if (!domainRow) {
      out.external.push(address)
      return
    }
    if (!domainRow.enabled) {
      out.disabled++
      return
    }
    const { base, tag } = splitSubaddress(address.slice(0, at))
    const candidates = tag === null ? [address] : [address, `${base}@${domain}`]
    for (const candidate of candidates) {
      const ownTag = candidate === address ? null : tag
      const account = accountByEmail(candidate)
      if (account) {
        if (account.disabled) out.disabled++
        else if (!out.accounts.some(a => a.accountId === account.id)) {
          out.accounts.push({
            accountId: account.id,
            email: account.email,
            tag: ownTag ?? fallbackTag,
            quotaBytes: account.quotaBytes,
          })
        }
        return
      }
      const targets = aliasTargets(candidate)
      if (targets.length > 0) {
        if (depth >= MAX_ALIAS_DEPTH) {
          ctx.logger.warn('alias expansion too deep; ignoring the rest', { alias: candidate })
          return
        }
        for (const target of targets) expand(target, ownTag ?? fallbackTag, depth + 1, visited, out)
        return
      }
    }
    ctx.logger.warn('alias target in a hosted domain names nothing; dropped', { target: address })
  }

  const conclude = (address: string, tag: string | null, via: ResolutionVia, out: Expansion): RecipientResolution => {
    const external = [...new Set(out.external)]
    if (out.accounts.length > 0) return { kind: 'local', address, accounts: out.accounts, external, tag, via }
    if (external.length > 0) return { kind: 'external', address, addresses: external, tag, via }
    if (out.disabled > 0) return { kind: 'disabled', address }
    return { kind: 'unknown', address }
  }

  return async input => {
    const { address, local, domain } = parseAddress(input)
    const domainRow = domainByName(domain)
    if (!domainRow) return { kind: 'remote', address }
    if (!domainRow.enabled) return { kind: 'disabled', address }
    const { base, tag } = splitSubaddress(local)
    const candidates = tag === null ? [address] : [address, `${base}@${domain}`]
    for (const candidate of candidates) {
      const candidateTag = candidate === address ? null : tag
      const account = accountByEmail(candidate)
      if (account) {
        if (account.disabled) return { kind: 'disabled', address }
        return {
          kind: 'local',
          address,
          accounts: [
            { accountId: account.id, email: account.email, tag: candidateTag, quotaBytes: account.quotaBytes },
          ],
          external: [],
          tag: candidateTag,
          via: 'account',
        }
      }
      const targets = aliasTargets(candidate)
      if (targets.length > 0) {
        const out: Expansion = { accounts: [], external: [], disabled: 0 }
        const visited = new Set([candidate])
        for (const target of targets) expand(target, candidateTag, 1, visited, out)
        return conclude(address, candidateTag, 'alias', out)
      }
    }
    if (domainRow.catchAll !== null) {
      const out: Expansion = { accounts: [], external: [], disabled: 0 }
      expand(domainRow.catchAll, tag, 1, new Set([address]), out)
      return conclude(address, tag, 'catch-all', out)
    }
    return { kind: 'unknown', address }
  }
}
