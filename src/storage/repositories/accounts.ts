// Accounts: one Maildir and a set of mailboxes each. Creating an account creates INBOX and the
// RFC 6154 special-use mailboxes (Sent, Drafts, Trash, Junk, Archive) with their folders.
import { rm } from 'node:fs/promises'
import { and, asc, count, eq, gt, sql, sum } from 'drizzle-orm'
import { parseAddress, parseDomain, tryParseAddress } from '../../core/address.ts'
import { hashPassword, isSupportedPasswordHash, needsRehash, verifyPassword } from '../../auth/passwords.ts'
import { accounts, aliases, domains, mailboxes, messages } from '../db/schema.ts'
import { ensureMaildirFolder } from '../maildir/maildir-folder.ts'
import { INBOX } from '../maildir/maildir-path.ts'
import {
  addressInUse,
  duplicateAccount,
  invalidPasswordInput,
  invalidQuota,
  unknownAccount,
  unknownDomain,
} from '../storage-errors.ts'
import { accountDirFor, mailboxDirFor, type RepositoryContext } from './context.ts'
import { DEFAULT_SPECIAL_USE, insertMailbox } from './mailbox-rows.ts'

export interface AccountRecord {
  id: number
  email: string
  domainId: number
  displayName: string | null
  /** Storage limit in bytes; null = unlimited. */
  quotaBytes: number | null
  disabled: boolean
  createdAt: number
  updatedAt: number
}

/** An account id, or its address (any case / IDN spelling). */
export type AccountRef = number | string

export interface CreateAccountInput {
  email: string
  /** Plain password (hashed here) … */
  password?: string
  /** … or an existing Argon2/bcrypt hash (imports); exactly one of the two. */
  passwordHash?: string
  displayName?: string | null
  quotaBytes?: number | null
}

export interface AccountPage {
  items: AccountRecord[]
  /** Pass as `after` for the next page; null on the last page. */
  next: number | null
}

export interface ListAccountsOptions {
  domain?: string
  /** Return accounts with an id greater than this (keyset pagination). */
  after?: number
  limit?: number
}

export interface AccountUsage {
  messages: number
  bytes: number
}

export interface AccountRepository {
  create(input: CreateAccountInput): Promise<AccountRecord>
  get(ref: AccountRef): Promise<AccountRecord | null>
  list(options?: ListAccountsOptions): Promise<AccountPage>
  update(ref: AccountRef, changes: { displayName?: string | null; quotaBytes?: number | null }): Promise<AccountRecord>
  setPassword(ref: AccountRef, password: string): Promise<void>
  setDisabled(ref: AccountRef, disabled: boolean): Promise<AccountRecord>
  delete(ref: AccountRef, options?: { removeData?: boolean }): Promise<void>
  /** The account when the password is right and the account and its domain are enabled; else null. */
  verifyCredentials(email: string, password: string): Promise<AccountRecord | null>
  usage(ref: AccountRef): Promise<AccountUsage>
}

type AccountRow = typeof accounts.$inferSelect

const toRecord = (row: AccountRow): AccountRecord => ({
  id: row.id,
  email: row.email,
  domainId: row.domainId,
  displayName: row.displayName,
  quotaBytes: row.quotaBytes,
  disabled: row.disabled,
  createdAt: row.createdAt,
  updatedAt: row.updatedAt,
})

const DEFAULT_PAGE = 100
const MAX_PAGE = 1000

export function createAccountRepository(ctx: RepositoryContext): AccountRepository {
  const { db } = ctx
  // Unknown users are checked against this hash, so a failed login takes as long whether or not the
  // account exists (no user enumeration by timing).
  let dummyHash: Promise<string> | undefined

  // Prepared once: SMTP looks accounts up for every recipient (quota, trap mode).
  const byId = db
    .select()
    .from(accounts)
    .where(eq(accounts.id, sql.placeholder('id')))
    .prepare()
  const byEmail = db
    .select()
    .from(accounts)
    .where(eq(accounts.email, sql.placeholder('email')))
    .prepare()

  const findRow = (ref: AccountRef): AccountRow | undefined => {
    if (typeof ref === 'number') return byId.get({ id: ref })
    const parsed = tryParseAddress(ref)
    if (!parsed) return undefined
    return byEmail.get({ email: parsed.address })
  }

  const mustFind = (ref: AccountRef): AccountRow => {
    const row = findRow(ref)
    if (!row) throw unknownAccount(ref)
    return row
  }

  const checkQuota = (quota: number | null | undefined) => {
    if (quota === undefined || quota === null) return
    if (!Number.isSafeInteger(quota) || quota < 0) throw invalidQuota('quota must be a whole number of bytes')
  }

  return {
    async create(input) {
      const { address, domain } = parseAddress(input.email)
      checkQuota(input.quotaBytes)
      const passwordHash = await hashForCreate(input)
      const now = ctx.clock.now()
      const created = db.transaction(
        tx => {
          const domainRow = tx.select().from(domains).where(eq(domains.name, domain)).get()
          if (!domainRow) throw unknownDomain(domain)
          if (tx.select({ id: accounts.id }).from(accounts).where(eq(accounts.email, address)).get()) {
            throw duplicateAccount(address)
          }
          if (tx.select({ id: aliases.id }).from(aliases).where(eq(aliases.address, address)).get()) {
            throw addressInUse(address, 'alias')
          }
          const row = tx
            .insert(accounts)
            .values({
              email: address,
              domainId: domainRow.id,
              passwordHash,
              displayName: input.displayName ?? null,
              quotaBytes: input.quotaBytes ?? null,
              createdAt: now,
              updatedAt: now,
            })
            .returning()
            .get()
          const boxes = [{ name: INBOX, specialUse: null }, ...DEFAULT_SPECIAL_USE].map(m =>
            insertMailbox(tx, row.id, m, now),
          )
          return { row, boxes }
        },
        { behavior: 'immediate' },
      )
      try {
        for (const box of created.boxes) {
          await ensureMaildirFolder(mailboxDirFor(ctx, address, box.folder), { subfolder: box.folder !== '' })
        }
      } catch (e) {
        // Without its folders the account is unusable: undo the rows, report the filesystem error.
        db.delete(accounts).where(eq(accounts.id, created.row.id)).run()
        throw e
      }
      return toRecord(created.row)
    },

    async get(ref) {
      const row = findRow(ref)
      return row ? toRecord(row) : null
    },

    async list(options = {}) {
      const limit = Math.min(Math.max(1, options.limit ?? DEFAULT_PAGE), MAX_PAGE)
      const conditions = [gt(accounts.id, options.after ?? 0)]
      if (options.domain !== undefined) {
        const domain = db
          .select({ id: domains.id })
          .from(domains)
          .where(eq(domains.name, parseDomain(options.domain)))
          .get()
        if (!domain) return { items: [], next: null }
        conditions.push(eq(accounts.domainId, domain.id))
      }
      const rows = db
        .select()
        .from(accounts)
        .where(and(...conditions))
        .orderBy(asc(accounts.id))
        .limit(limit + 1)
        .all()
      const items = rows.slice(0, limit).map(toRecord)
      return { items, next: rows.length > limit ? (items[items.length - 1]?.id ?? null) : null }
    },

    async update(ref, changes) {
      const row = mustFind(ref)
      checkQuota(changes.quotaBytes)
      const updated = db
        .update(accounts)
        .set({
          ...(changes.displayName !== undefined ? { displayName: changes.displayName } : {}),
          ...(changes.quotaBytes !== undefined ? { quotaBytes: changes.quotaBytes } : {}),
          updatedAt: ctx.clock.now(),
        })
        .where(eq(accounts.id, row.id))
        .returning()
        .get()
      if (!updated) throw unknownAccount(ref)
      return toRecord(updated)
    },

    async setPassword(ref, password) {
      const row = mustFind(ref)
      const passwordHash = await hashPassword(password)
      db.update(accounts).set({ passwordHash, updatedAt: ctx.clock.now() }).where(eq(accounts.id, row.id)).run()
    },

    async setDisabled(ref, disabled) {
      const row = mustFind(ref)
      const updated = db
        .update(accounts)
        .set({ disabled, updatedAt: ctx.clock.now() })
        .where(eq(accounts.id, row.id))
        .returning()
        .get()
      if (!updated) throw unknownAccount(ref)
      return toRecord(updated)
    },

    async delete(ref, options = {}) {
      const row = mustFind(ref)
      // Rows first (mailboxes, messages, expunges cascade), files after the commit: a crash in
      // between leaves an orphan tree that nothing indexes, never rows pointing at missing files.
      db.delete(accounts).where(eq(accounts.id, row.id)).run()
      if (options.removeData) await rm(accountDirFor(ctx, row.email), { recursive: true, force: true })
    },

    async verifyCredentials(email, password) {
      const parsed = tryParseAddress(email)
      const row = parsed
        ? db
            .select({ account: accounts, domainEnabled: domains.enabled })
            .from(accounts)
            .innerJoin(domains, eq(domains.id, accounts.domainId))
            .where(eq(accounts.email, parsed.address))
            .get()
        : undefined
      if (!row) {
        dummyHash ??= hashPassword(crypto.randomUUID())
        await verifyPassword(password, await dummyHash)
        return null
      }
      const stored = row.account.passwordHash
      if (!(await verifyPassword(password, stored))) return null
      if (row.account.disabled || !row.domainEnabled) return null
      if (needsRehash(stored)) {
        try {
          const upgraded = await hashPassword(password)
          // Only replace the hash we verified: a password change meanwhile wins.
          db.update(accounts)
            .set({ passwordHash: upgraded })
            .where(and(eq(accounts.id, row.account.id), eq(accounts.passwordHash, stored)))
            .run()
          ctx.logger.info('password hash upgraded to current parameters', { account: row.account.email })
        } catch (e) {
          ctx.logger.warn('password rehash failed', { account: row.account.email, error: e })
        }
      }
      return toRecord(row.account)
    },

    async usage(ref) {
      const row = mustFind(ref)
      const totals = db
        .select({ messages: count(messages.id), bytes: sum(messages.size) })
        .from(messages)
        .innerJoin(mailboxes, eq(mailboxes.id, messages.mailboxId))
        .where(eq(mailboxes.accountId, row.id))
        .get()
      return { messages: totals?.messages ?? 0, bytes: Number(totals?.bytes ?? 0) }
    },
  }
}

async function hashForCreate(input: CreateAccountInput): Promise<string> {
  if ((input.password === undefined) === (input.passwordHash === undefined)) {
    throw invalidPasswordInput('give exactly one of password and passwordHash')
  }
  if (input.passwordHash !== undefined) {
    if (!isSupportedPasswordHash(input.passwordHash)) {
      throw invalidPasswordInput('passwordHash is not an Argon2 (PHC) or bcrypt hash')
    }
    return input.passwordHash
  }
  return hashPassword(input.password ?? '')
}
