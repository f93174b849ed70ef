// The lookups every message operation starts with (which mailbox, whose account), as statements
// prepared once per connection. Building and preparing a drizzle query per call cost about 0.25 ms,
// more than half of the index work of a delivery (profiled under bench/smtp.ts).
import { and, eq, sql } from 'drizzle-orm'
import type { MailDb } from '../db/open-database.ts'
import { accounts, mailboxes } from '../db/schema.ts'
import type { MailboxRow } from './mailbox-rows.ts'

export interface MailboxLookups {
  byId(mailboxId: number): MailboxRow | undefined
  /** `name` already normalised (mailbox-name.ts). */
  byName(accountId: number, name: string): MailboxRow | undefined
  /** The mailbox only if it belongs to the account. */
  byIdOfAccount(mailboxId: number, accountId: number): MailboxRow | undefined
  owner(accountId: number): { email: string; quotaBytes: number | null } | undefined
}

export function createMailboxLookups(db: MailDb): MailboxLookups {
  const byId = db
    .select()
    .from(mailboxes)
    .where(eq(mailboxes.id, sql.placeholder('id')))
    .prepare()
  const byName = db
    .select()
    .from(mailboxes)
    .where(and(eq(mailboxes.accountId, sql.placeholder('accountId')), eq(mailboxes.name, sql.placeholder('name'))))
    .prepare()
  const byIdOfAccount = db
    .select()
    .from(mailboxes)
    .where(and(eq(mailboxes.id, sql.placeholder('id')), eq(mailboxes.accountId, sql.placeholder('accountId'))))
    .prepare()
  const owner = db
    .select({ email: accounts.email, quotaBytes: accounts.quotaBytes })
    .from(accounts)
    .where(eq(accounts.id, sql.placeholder('id')))
    .prepare()
  return {
    byId: id => byId.get({ id }),
    byName: (accountId, name) => byName.get({ accountId, name }),
    byIdOfAccount: (id, accountId) => byIdOfAccount.get({ id, accountId }),
    owner: id => owner.get({ id }),
  }
}
