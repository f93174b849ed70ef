// The user errors repositories raise, each with a stable `code` for the CLI and API and the
// protocol codes that fit (IMAP response codes per RFC 5530, SMTP per RFC 3463).
import { MailError } from '../core/errors.ts'

export const duplicateDomain = (name: string) =>
  new MailError('user', `domain ${name} already exists`, { http: 409, code: 'duplicate_domain' })

export const unknownDomain = (name: string) =>
  new MailError('user', `domain ${name} is not hosted here (add it first)`, { http: 404, code: 'unknown_domain' })

export const domainHasAccounts = (name: string, count: number) =>
  new MailError('user', `domain ${name} still has ${count} account(s); remove them or use force`, {
    http: 409,
    code: 'domain_not_empty',
  })

export const duplicateAccount = (email: string) =>
  new MailError('user', `account ${email} already exists`, { http: 409, code: 'duplicate_account' })

export const unknownAccount = (ref: string | number) =>
  new MailError('user', `no such account: ${ref}`, { http: 404, code: 'unknown_account' })

export const addressInUse = (address: string, by: 'account' | 'alias') =>
  new MailError('user', `${address} is already used by an ${by}`, { http: 409, code: 'address_in_use' })

export const unknownTarget = (address: string) =>
  new MailError('user', `${address} is in a local domain but is neither an account nor an alias`, {
    http: 400,
    code: 'unknown_target',
  })

export const unknownAlias = (address: string) =>
  new MailError('user', `no such alias: ${address}`, { http: 404, code: 'unknown_alias' })

export const invalidPasswordInput = (why: string) => new MailError('user', why, { http: 400, code: 'invalid_password' })

export const unknownMailbox = (name: string | number) =>
  new MailError('user', `no such mailbox: ${name}`, { imap: 'NONEXISTENT', http: 404, code: 'unknown_mailbox' })

/** RFC 3501 §6.3.11: APPEND/COPY to a missing mailbox answers NO [TRYCREATE]. */
export const unknownTargetMailbox = (name: string | number) =>
  new MailError('user', `no such mailbox: ${name}`, { imap: 'TRYCREATE', http: 404, code: 'unknown_mailbox' })

export const mailboxExists = (name: string) =>
  new MailError('user', `mailbox ${name} already exists`, { imap: 'ALREADYEXISTS', http: 409, code: 'mailbox_exists' })

export const mailboxNotAllowed = (name: string, why: string) =>
  new MailError('user', `mailbox ${name}: ${why}`, { imap: 'CANNOT', http: 409, code: 'mailbox_not_allowed' })

/** RFC 9208 §4.3 / RFC 3463 5.2.2: the account is over its storage quota. */
export const overQuota = (email: string) =>
  new MailError('user', `mailbox of ${email} is full`, {
    imap: 'OVERQUOTA',
    smtp: [552, '5.2.2'],
    http: 507,
    code: 'over_quota',
  })

export const invalidKeyword = (keyword: string) =>
  new MailError('syntax', `invalid keyword "${keyword.slice(0, 40)}"`, { http: 400, code: 'invalid_keyword' })

export const invalidQuota = (why: string) => new MailError('user', why, { http: 400, code: 'invalid_quota' })
