// The service extensions a server announced in its EHLO reply (RFC 5321 §4.1.1.1): one keyword per
// line after the greeting line, optionally followed by parameters. Keywords are case-insensitive.
import type { SmtpReply } from './smtp-reply.ts'

export interface EhloExtensions {
  /** Keyword (upper case) → its parameters. */
  readonly keywords: ReadonlyMap<string, readonly string[]>
  has(keyword: string): boolean
  /** RFC 1870 §4: the fixed maximum message size, or null when unannounced or 0 (no limit). */
  readonly maxSize: number | null
  /** RFC 4954 §3: SASL mechanisms offered (upper case). */
  readonly authMechanisms: readonly string[]
}

const KEYWORD = /^[A-Za-z0-9][A-Za-z0-9-]*$/

export function parseEhloExtensions(reply: SmtpReply): EhloExtensions {
  const keywords = new Map<string, string[]>()
  for (const line of reply.lines.slice(1)) {
    const [keyword, ...params] = line.trim().split(/\s+/)
    if (keyword === undefined || !KEYWORD.test(keyword)) continue
    keywords.set(keyword.toUpperCase(), params)
  }
  // Some servers still announce "AUTH=PLAIN LOGIN" (pre-RFC 4954 drafts).
  const legacyAuth = reply.lines
    .slice(1)
    .map(l => /^AUTH=(.*)$/i.exec(l.trim())?.[1])
    .find(v => v !== undefined)
  if (!keywords.has('AUTH') && legacyAuth !== undefined) keywords.set('AUTH', legacyAuth.split(/\s+/))
  const size = keywords.get('SIZE')?.[0]
  const maxSize = size !== undefined && /^\d+$/.test(size) && Number(size) > 0 ? Number(size) : null
  const authMechanisms = (keywords.get('AUTH') ?? []).map(m => m.toUpperCase())
  return { keywords, has: k => keywords.has(k.toUpperCase()), maxSize, authMechanisms }
}

/** What a server that only answered HELO (RFC 5321 §4.1.4 fallback) supports: nothing. */
export const NO_EXTENSIONS: EhloExtensions = {
  keywords: new Map(),
  has: () => false,
  maxSize: null,
  authMechanisms: [],
}
