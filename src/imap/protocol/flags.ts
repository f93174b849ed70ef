// Message flags (RFC 9051 §2.3.2): system flags start with "\" and are matched case-insensitively,
// so they are returned in their canonical spelling; keywords are atoms, kept as sent.
import type { ImapTokenizer } from './tokenizer.ts'

const BACKSLASH = 0x5c

export const SYSTEM_FLAGS = ['\\Answered', '\\Flagged', '\\Deleted', '\\Seen', '\\Draft', '\\Recent'] as const
const CANONICAL = new Map<string, string>(SYSTEM_FLAGS.map(f => [f.toUpperCase(), f]))

/** `\seen` → `\Seen`; keywords and unknown `\Extension` flags unchanged. */
export function normalizeFlag(flag: string): string {
  return CANONICAL.get(flag.toUpperCase()) ?? flag
}

/** flag = "\" atom / flag-keyword (atom). `\*` is only for PERMANENTFLAGS and is rejected. */
export function readFlag(t: ImapTokenizer, what = 'flag'): string {
  const system = t.consume(BACKSLASH)
  const name = t.atom(system ? `${what} name after "\\"` : what)
  return system ? normalizeFlag(`\\${name}`) : name
}

/** flag-list = "(" [flag *(SP flag)] ")", duplicates removed (flags compare case-insensitively). */
export function readFlagList(t: ImapTokenizer, what = 'flag list'): string[] {
  return dedupeFlags(t.list(what, () => readFlag(t), { allowEmpty: true }))
}

export function dedupeFlags(flags: readonly string[]): string[] {
  const seen = new Set<string>()
  return flags.filter(flag => {
    const key = flag.toUpperCase()
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}
