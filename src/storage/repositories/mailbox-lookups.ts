// The lookups every message operation starts with (which mailbox, whose account), as statements
// prepared once per connection. Building and preparing a drizzle query per call cost about 0.25 ms,
// more than half of the index work of a delivery; even drizzle's prepared statements map every
// placeholder and result column per call, so these are plain bun:sqlite statements returning rows
// already shaped like drizzle's (profiled under bench/smtp.ts).
import type { Statement } from 'bun:sqlite'
import type { MailDb } from '../db/open-database.ts'
import type { MailboxRow } from './mailbox-rows.ts'

export interface MailboxLookups {
  byId(mailboxId: number): MailboxRow | undefined
  /** `name` already normalised (mailbox-name.ts). */
  byName(accountId: number, name: string): MailboxRow | undefined
  /** The mailbox only if it belongs to the account. */
  byIdOfAccount(mailboxId: number, accountId: number): MailboxRow | undefined
  owner(accountId: number): { email: string; quotaBytes: number | null } | undefined
}

/** Every column of `mailboxes` under its drizzle property name (schema.ts), `subscribed` as 0/1. */
const MAILBOX_COLUMNS =
  'id, account_id AS accountId, name, special_use AS specialUse, uid_validity AS uidValidity, ' +
  'uid_next AS uidNext, highest_modseq AS highestModseq, subscribed, folder, created_at AS createdAt'

type RawMailboxRow = Omit<MailboxRow, 'subscribed'> & { subscribed: number }

const toRow = (raw: RawMailboxRow | null): MailboxRow | undefined =>
  raw === null ? undefined : { ...raw, subscribed: raw.subscribed !== 0 }

export function createMailboxLookups(db: MailDb): MailboxLookups {
  const sqlite = db.$client
  const byId: Statement<RawMailboxRow, [number]> = sqlite.query(`SELECT ${MAILBOX_COLUMNS} FROM mailboxes WHERE id = ?`)
  const byName: Statement<RawMailboxRow, [number, string]> = sqlite.query(
    `SELECT ${MAILBOX_COLUMNS} FROM mailboxes WHERE account_id = ? AND name = ?`,
  )
  const byIdOfAccount: Statement<RawMailboxRow, [number, number]> = sqlite.query(
    `SELECT ${MAILBOX_COLUMNS} FROM mailboxes WHERE id = ? AND account_id = ?`,
  )
  const owner: Statement<{ email: string; quotaBytes: number | null }, [number]> = sqlite.query(
    'SELECT email, quota_bytes AS quotaBytes FROM accounts WHERE id = ?',
  )
  return {
    byId: id => toRow(byId.get(id)),
    byName: (accountId, name) => toRow(byName.get(accountId, name)),
    byIdOfAccount: (id, accountId) => toRow(byIdOfAccount.get(id, accountId)),
    owner: id => owner.get(id) ?? undefined,
  }
}
