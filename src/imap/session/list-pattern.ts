// LIST/LSUB patterns (RFC 9051 §6.3.9): "*" matches zero or more characters, "%" the same except
// the hierarchy delimiter; everything else matches itself, case-sensitively — except INBOX, whose
// name is case-insensitive (RFC 9051 §5.1), so "inbox", "Inbox/%" and "INBOX*" find it.
import { HIERARCHY_DELIMITER, INBOX } from '../../storage/index.ts'

export type MailboxMatcher = (name: string) => boolean

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')

/** The reference and the pattern joined as RFC 9051 §6.3.9 describes: the pattern read in the reference's context. */
export function joinReference(reference: string, pattern: string): string {
  return reference + pattern
}

export function compileListPattern(pattern: string): MailboxMatcher {
  const notDelimiter = `[^${escapeRegExp(HIERARCHY_DELIMITER)}]*`
  const source = [...pattern].map(c => (c === '*' ? '.*' : c === '%' ? notDelimiter : escapeRegExp(c))).join('')
  const regexp = new RegExp(`^${source}$`, 'su')
  const inboxPrefix = pattern.slice(0, INBOX.length)
  const patternSaysInbox = inboxPrefix.toUpperCase() === INBOX
  return name => {
    if (regexp.test(name)) return true
    // INBOX in any case: try the name spelt as the pattern spells it.
    if (patternSaysInbox && (name === INBOX || name.startsWith(`${INBOX}${HIERARCHY_DELIMITER}`))) {
      return regexp.test(inboxPrefix + name.slice(INBOX.length))
    }
    return false
  }
}
