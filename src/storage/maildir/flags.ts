// IMAP system flags ↔ Maildir info (`:2,FLAGS`, https://cr.yp.to/proto/maildir.html).
//
//   \Draft ↔ D   \Flagged ↔ F   \Answered ↔ R   \Seen ↔ S   \Deleted ↔ T
//
// Letters are written in ASCII order, as the Maildir spec requires. Letters we do not map (P
// "passed", Dovecot's lower-case keyword letters a–z, anything else a tool wrote) are kept in the
// name when we rename, so other tools do not lose their state. \Recent is per-session (RFC 3501
// §2.3.2; gone in RFC 9051) and never stored. Names without `:2,` (fresh from new/, or written by
// tools that never set flags) carry no flags; an experimental `:1,` info is ignored and replaced by
// `:2,` on the next rename.

export const SYSTEM_FLAGS = ['\\Seen', '\\Answered', '\\Flagged', '\\Deleted', '\\Draft'] as const
export type SystemFlag = (typeof SYSTEM_FLAGS)[number]

/** Bit of each flag in `messages.flags`. */
export const FLAG_BITS: Readonly<Record<SystemFlag, number>> = {
  '\\Seen': 1,
  '\\Answered': 2,
  '\\Flagged': 4,
  '\\Deleted': 8,
  '\\Draft': 16,
}

export const ALL_FLAG_BITS = 31

const LETTER_FOR_FLAG: Readonly<Record<SystemFlag, string>> = {
  '\\Draft': 'D',
  '\\Flagged': 'F',
  '\\Answered': 'R',
  '\\Seen': 'S',
  '\\Deleted': 'T',
}

const BIT_FOR_LETTER: Readonly<Record<string, number>> = { D: 16, F: 4, R: 2, S: 1, T: 8 }

const BY_LOWER_NAME = new Map<string, SystemFlag>(SYSTEM_FLAGS.map(f => [f.toLowerCase(), f]))

/** The canonical spelling of a system flag (flag names are case-insensitive), or null for keywords. */
export function systemFlag(name: string): SystemFlag | null {
  return BY_LOWER_NAME.get(name.toLowerCase()) ?? null
}

export function flagsToBits(flags: Iterable<SystemFlag>): number {
  let bits = 0
  for (const f of flags) bits |= FLAG_BITS[f]
  return bits
}

/** System flags set in `bits`, in the order of SYSTEM_FLAGS. */
export function bitsToFlags(bits: number): SystemFlag[] {
  return SYSTEM_FLAGS.filter(f => (bits & FLAG_BITS[f]) !== 0)
}

export interface MaildirName {
  /** Unique part before the first ':' (never changes while the message exists). */
  base: string
  /** System flags from the info letters. */
  flags: number
  /** Info letters we do not map, unique and sorted, kept when renaming. */
  extra: string
  /** True when the name had a `:2,` info part. */
  hasInfo: boolean
}

export function parseMaildirName(name: string): MaildirName {
  const colon = name.indexOf(':')
  if (colon < 0) return { base: name, flags: 0, extra: '', hasInfo: false }
  const base = name.slice(0, colon)
  const info = name.slice(colon + 1)
  if (!info.startsWith('2,')) return { base, flags: 0, extra: '', hasInfo: false }
  let flags = 0
  const extra = new Set<string>()
  for (const ch of info.slice(2)) {
    const bit = BIT_FOR_LETTER[ch]
    if (bit !== undefined) flags |= bit
    else if (ch !== ',' && ch >= '!' && ch <= '~') extra.add(ch)
  }
  return { base, flags, extra: sortLetters([...extra]), hasInfo: true }
}

/** Info letters for `flags` plus `extra`, ASCII-sorted, without duplicates. */
export function infoLetters(flags: number, extra = ''): string {
  const letters = new Set<string>()
  // Mapped letters come from `flags` only, so a stale letter in `extra` cannot resurrect a flag.
  for (const ch of extra) if (BIT_FOR_LETTER[ch] === undefined) letters.add(ch)
  for (const f of SYSTEM_FLAGS) if ((flags & FLAG_BITS[f]) !== 0) letters.add(LETTER_FOR_FLAG[f])
  return sortLetters([...letters])
}

/** `base:2,LETTERS` — the file name in cur/ for these flags. */
export function formatMaildirName(base: string, flags: number, extra = ''): string {
  return `${base}:2,${infoLetters(flags, extra)}`
}

const sortLetters = (letters: string[]) => letters.sort((a, b) => a.charCodeAt(0) - b.charCodeAt(0)).join('')
