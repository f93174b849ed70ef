// Flag lists as IMAP sends them (`\Seen $Forwarded Work`), split into system flags and keywords.
// RFC 3501 §2.3.2 / RFC 9051 §2.3.2: system flags start with '\'; keywords are atoms. Flag and
// keyword names compare case-insensitively; the first spelling seen is kept.
import { invalidKeyword } from './storage-errors.ts'
import { type SystemFlag, systemFlag } from './maildir/flags.ts'

// RFC 3501 §9 atom: any CHAR except atom-specials ( ) { SP CTL % * " \ ]
// biome-ignore lint: control characters are what this rejects
const ATOM = /^[^(){ \u0000-\u001f\u007f%*"\\\]]+$/
const MAX_KEYWORD_LENGTH = 128

export interface FlagList {
  flags: SystemFlag[]
  keywords: string[]
}

/** Split and validate; `\Recent` is dropped (it cannot be stored), other unknown `\…` names are errors. */
export function splitFlagList(names: readonly string[]): FlagList {
  const flags = new Set<SystemFlag>()
  const keywords: string[] = []
  for (const name of names) {
    if (name.startsWith('\\')) {
      const flag = systemFlag(name)
      if (flag) flags.add(flag)
      else if (name.toLowerCase() !== '\\recent') throw invalidKeyword(name)
      continue
    }
    keywords.push(name)
  }
  return { flags: [...flags], keywords: normalizeKeywords(keywords) }
}

/** Validate keywords and drop case-insensitive duplicates. */
export function normalizeKeywords(keywords: readonly string[]): string[] {
  const seen = new Set<string>()
  const out: string[] = []
  for (const keyword of keywords) {
    if (keyword.length > MAX_KEYWORD_LENGTH || !ATOM.test(keyword)) throw invalidKeyword(keyword)
    const key = keyword.toLowerCase()
    if (seen.has(key)) continue
    seen.add(key)
    out.push(keyword)
  }
  return out
}
