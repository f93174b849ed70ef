// FLAGS and PERMANENTFLAGS for SELECT/EXAMINE (RFC 9051 §7.3.5, §7.1 PERMANENTFLAGS) and keyword
// syntax (RFC 9051 §9 flag-keyword = "$MDNSent" / "$Forwarded" / ... / atom). Keywords are
// stored per message in SQLite (DESIGN.md), so any number of them can be kept and "\*" is sent.
import { ATOM_CHAR } from '../protocol/char-classes.ts'

/** The system flags a client can store; \Recent is session state and never permanent. */
export const PERMANENT_SYSTEM_FLAGS = ['\\Answered', '\\Flagged', '\\Deleted', '\\Seen', '\\Draft'] as const

/** Same limit as the storage layer's keyword validation. */
export const MAX_KEYWORD_LENGTH = 128

/** A keyword a client may set: an IMAP atom (7-bit, no atom-specials, so no "\"). */
export function isValidKeyword(keyword: string): boolean {
  if (keyword.length === 0 || keyword.length > MAX_KEYWORD_LENGTH) return false
  for (let i = 0; i < keyword.length; i++) {
    if (ATOM_CHAR[keyword.charCodeAt(i)] !== 1) return false
  }
  return true
}

/** `* FLAGS (...)`: the system flags plus every keyword in use in the mailbox. */
export function mailboxFlags(keywords: readonly string[]): string[] {
  return [...PERMANENT_SYSTEM_FLAGS, ...uniqueKeywords(keywords)]
}

/**
 * `[PERMANENTFLAGS (...)]`: empty for a read-only mailbox (EXAMINE, RFC 9051 §6.3.3); else the
 * storable flags, the keywords in use, and "\*" when clients may create new keywords.
 */
export function permanentFlags(
  keywords: readonly string[],
  options: { readOnly: boolean; allowNewKeywords?: boolean },
): string[] {
  if (options.readOnly) return []
  const flags: string[] = [...PERMANENT_SYSTEM_FLAGS, ...uniqueKeywords(keywords)]
  if (options.allowNewKeywords ?? true) flags.push('\\*')
  return flags
}

/** Keywords compare case-insensitively (RFC 9051 §2.3.2); the first spelling is kept. */
function uniqueKeywords(keywords: readonly string[]): string[] {
  const seen = new Set<string>()
  return keywords.filter(keyword => {
    const key = keyword.toLowerCase()
    if (seen.has(key) || !isValidKeyword(keyword)) return false
    seen.add(key)
    return true
  })
}
