// Alias and catch-all targets in a hosted domain must name something that exists, so a typo is
// reported when the alias is created rather than silently dropping mail later.
import { eq } from 'drizzle-orm'
import { splitSubaddress } from '../../core/address.ts'
import type { MailDb } from '../db/open-database.ts'
import { accounts, aliases, domains } from '../db/schema.ts'
import { unknownTarget } from '../storage-errors.ts'

type Reader = Pick<MailDb, 'select'>

export function isLocalDomain(db: Reader, domain: string): boolean {
  return db.select({ id: domains.id }).from(domains).where(eq(domains.name, domain)).get() !== undefined
}

/** Throws `unknown_target` when `address` (normalised) is in a hosted domain but names nothing. */
export function checkLocalTarget(db: Reader, address: string): void {
  const domain = address.slice(address.lastIndexOf('@') + 1)
  if (!isLocalDomain(db, domain)) return
  const { base } = splitSubaddress(address.slice(0, address.lastIndexOf('@')))
  // `user+tag@domain` is fine when `user@domain` exists: resolution strips the tag.
  for (const candidate of new Set([address, `${base}@${domain}`])) {
    if (db.select({ id: accounts.id }).from(accounts).where(eq(accounts.email, candidate)).get()) return
    if (db.select({ id: aliases.id }).from(aliases).where(eq(aliases.address, candidate)).get()) return
  }
  throw unknownTarget(address)
}
