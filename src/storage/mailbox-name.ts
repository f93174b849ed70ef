// Mailbox names as stored: UTF-8 (the IMAP layer decodes modified UTF-7 from clients), hierarchy
// delimiter '/'. RFC 3501 §5.1: "INBOX" is case-insensitive, so any spelling is stored as INBOX,
// also as the first level of a hierarchy (`inbox/Lists` → `INBOX/Lists`), as Dovecot does.
import { MailError } from '../core/errors.ts'
import { HIERARCHY_DELIMITER, INBOX } from './maildir/maildir-path.ts'

const MAX_NAME_LENGTH = 512

const invalid = (name: string, why: string) =>
  new MailError('user', `invalid mailbox name "${name.slice(0, 80)}": ${why}`, {
    imap: 'CANNOT',
    http: 400,
    code: 'invalid_mailbox_name',
  })

/** Validate and normalise a mailbox name, or throw `invalid_mailbox_name`. */
export function normalizeMailboxName(input: string): string {
  if (input === '') throw invalid(input, 'empty')
  if (input.length > MAX_NAME_LENGTH) throw invalid(input, `longer than ${MAX_NAME_LENGTH} characters`)
  // biome-ignore lint: control characters are what this rejects
  if (/[\u0000-\u001f\u007f]/.test(input)) throw invalid(input, 'control characters are not allowed')
  // RFC 3501 §6.3.8: '*' and '%' are LIST wildcards; names holding them cannot be listed reliably.
  if (/[*%]/.test(input)) throw invalid(input, '"*" and "%" are not allowed')
  const parts = input.normalize('NFC').split(HIERARCHY_DELIMITER)
  if (parts.some(p => p === ''))
    throw invalid(input, `empty level (leading, trailing or doubled "${HIERARCHY_DELIMITER}")`)
  if (parts[0]?.toUpperCase() === INBOX) parts[0] = INBOX
  return parts.join(HIERARCHY_DELIMITER)
}

/** Names of the superior levels of `name`, outermost first (`a/b/c` → `a`, `a/b`). */
export function parentNames(name: string): string[] {
  const parts = name.split(HIERARCHY_DELIMITER)
  return parts.slice(0, -1).map((_, i) => parts.slice(0, i + 1).join(HIERARCHY_DELIMITER))
}
