// The SQLite index (DESIGN.md "Storage contract"): accounts, domains, aliases, mailboxes and the
// per-message state that IMAP/POP3 need (UID, MODSEQ, flags, keywords, cached envelope).
// Message bodies live in Maildir; `messages.maildir_file` names the file.
//
// Conventions:
//   - times are integer milliseconds since the Unix epoch (`*_at`, `internal_date`);
//   - addresses and domain names are stored in normal form (src/core/address.ts): lower-case,
//     domains as punycode A-labels;
//   - `messages.flags` is a bitmask of the IMAP system flags (see maildir/flags.ts):
//     \Seen=1 \Answered=2 \Flagged=4 \Deleted=8 \Draft=16. \Recent is session state, not stored;
//   - `messages.maildir_file` is the full current file name in the folder's cur/, `:2,` info
//     included. Its unique part (before the first ':') never changes; reconcile matches on it.
//
// Change this file, then run `bunx drizzle-kit generate --name <what>` and add the new .sql file
// to ./migrations.ts (a test fails when the journal and the embedded list disagree).
import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core'

export const domains = sqliteTable(
  'domains',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    name: text('name').notNull(),
    /** Where mail for unknown local parts goes: an account, an alias or an external address; null = reject. */
    catchAll: text('catch_all'),
    enabled: integer('enabled', { mode: 'boolean' }).notNull().default(true),
    createdAt: integer('created_at').notNull(),
  },
  t => [uniqueIndex('domains_name_unique').on(t.name)],
)

export const accounts = sqliteTable(
  'accounts',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    email: text('email').notNull(),
    domainId: integer('domain_id')
      .notNull()
      .references(() => domains.id, { onDelete: 'restrict' }),
    passwordHash: text('password_hash').notNull(),
    displayName: text('display_name'),
    /** Storage limit in bytes (RFC 9208 STORAGE); null = unlimited. */
    quotaBytes: integer('quota_bytes'),
    disabled: integer('disabled', { mode: 'boolean' }).notNull().default(false),
    /**
     * Last UIDVALIDITY handed to one of this account's mailboxes. RFC 3501 §2.3.1.1: a mailbox
     * deleted and re-created under the same name must get a new UIDVALIDITY, so the value is
     * allocated from a per-account counter that never goes back, not from the mailbox rows.
     */
    lastUidValidity: integer('last_uid_validity').notNull().default(0),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  t => [uniqueIndex('accounts_email_unique').on(t.email), index('accounts_domain_idx').on(t.domainId)],
)

/** One row per (alias address, target). A target is an account, another alias or an external address. */
export const aliases = sqliteTable(
  'aliases',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    address: text('address').notNull(),
    domainId: integer('domain_id')
      .notNull()
      .references(() => domains.id, { onDelete: 'cascade' }),
    target: text('target').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  t => [
    uniqueIndex('aliases_address_target_unique').on(t.address, t.target),
    index('aliases_domain_idx').on(t.domainId),
  ],
)

export const mailboxes = sqliteTable(
  'mailboxes',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    accountId: integer('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    /** UTF-8 name, hierarchy delimiter '/'; `INBOX` is always spelled in capitals. */
    name: text('name').notNull(),
    /** RFC 6154 attribute (`\Sent`, `\Drafts`, `\Trash`, `\Junk`, `\Archive`, …) or null. */
    specialUse: text('special_use'),
    uidValidity: integer('uid_validity').notNull(),
    uidNext: integer('uid_next').notNull().default(1),
    /** RFC 7162 HIGHESTMODSEQ; every change to the mailbox takes the next value. */
    highestModseq: integer('highest_modseq').notNull().default(1),
    subscribed: integer('subscribed', { mode: 'boolean' }).notNull().default(true),
    /** Maildir++ folder under the account directory: '' for INBOX, `.Sent`, `.Parent.Child`, … */
    folder: text('folder').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  t => [
    uniqueIndex('mailboxes_account_name_unique').on(t.accountId, t.name),
    uniqueIndex('mailboxes_account_folder_unique').on(t.accountId, t.folder),
  ],
)

export const messages = sqliteTable(
  'messages',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    mailboxId: integer('mailbox_id')
      .notNull()
      .references(() => mailboxes.id, { onDelete: 'cascade' }),
    uid: integer('uid').notNull(),
    modseq: integer('modseq').notNull(),
    /** Bitmask of IMAP system flags, see the header comment. */
    flags: integer('flags').notNull().default(0),
    /** JSON array of IMAP keywords (`$Forwarded`, `$Junk`, user keywords). */
    keywords: text('keywords').notNull().default('[]'),
    internalDate: integer('internal_date').notNull(),
    size: integer('size').notNull(),
    maildirFile: text('maildir_file').notNull(),
    /** Parsed ENVELOPE fields (storage/envelope/parse-envelope.ts), JSON; null when not parsed. */
    envelopeJson: text('envelope_json'),
    /** BODYSTRUCTURE cache, filled by the IMAP layer. */
    bodystructureJson: text('bodystructure_json'),
  },
  t => [
    uniqueIndex('messages_mailbox_uid_unique').on(t.mailboxId, t.uid),
    uniqueIndex('messages_mailbox_file_unique').on(t.mailboxId, t.maildirFile),
    // RFC 7162 CHANGEDSINCE / QRESYNC: messages changed after a MODSEQ.
    index('messages_mailbox_modseq_idx').on(t.mailboxId, t.modseq),
  ],
)

/** Expunged UIDs with the MODSEQ of the expunge, for RFC 7162 §3.2.10 VANISHED (EARLIER). */
export const expunges = sqliteTable(
  'expunges',
  {
    mailboxId: integer('mailbox_id')
      .notNull()
      .references(() => mailboxes.id, { onDelete: 'cascade' }),
    uid: integer('uid').notNull(),
    modseq: integer('modseq').notNull(),
  },
  t => [
    uniqueIndex('expunges_mailbox_uid_unique').on(t.mailboxId, t.uid),
    index('expunges_mailbox_modseq_idx').on(t.mailboxId, t.modseq),
  ],
)

export const auditLog = sqliteTable(
  'audit_log',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    at: integer('at').notNull(),
    /** Who did it: `cli`, `api:<token id>`, `admin:<email>`, `system`. */
    actor: text('actor').notNull(),
    /** What happened, dotted: `account.create`, `domain.remove`, … */
    action: text('action').notNull(),
    /** What it happened to (an address, a domain), or null. */
    target: text('target'),
    /** Extra JSON details (never secrets). */
    detailsJson: text('details_json').notNull().default('{}'),
  },
  t => [index('audit_log_at_idx').on(t.at)],
)

// The outbound queue table moved to schema-delivery.ts (migration 0002 reshaped it).

/**
 * The catalog stamp (db/catalog-version.ts): one row, set to a fresh random value by triggers on
 * domains, accounts, aliases and mailboxes (migration 0006; drizzle does not model triggers).
 */
export const catalogStamp = sqliteTable('catalog_stamp', {
  id: integer('id').primaryKey(),
  stamp: integer('stamp').notNull(),
})
