// The Authentication-Results header field (RFC 8601): writing ours, and recognising incoming ones
// that claim to be ours. §5: an MTA "MUST ... delete" (or rename) instances whose authserv-id it uses
// before adding its own, or a sender could forge our verdict; fields naming other hosts stay.
import { foldHeaderField } from './fold-header-field.ts'

// RFC 2045 §5.1 token: printable ASCII except SP, CTLs and tspecials.
const TOKEN = /^[!#$%&'*+\-.0-9A-Z^_`a-z{|}~]+$/

/** `authserv-id` as written (RFC 8601 §2.2: a `value`, quoted when it is not a token). */
export function formatAuthservId(id: string): string {
  return TOKEN.test(id) ? id : `"${id.replace(/["\\]/g, c => `\\${c}`)}"`
}

/**
 * The whole header field, folded, CRLF-terminated: `Authentication-Results: <id>;` then one result
 * (method=result and properties, RFC 8601 §2.2 resinfo) per line.
 */
export function formatAuthenticationResults(authservId: string, results: readonly string[]): string {
  const id = formatAuthservId(authservId)
  // RFC 8601 §2.2 no-result: "none" when there is nothing to report.
  if (results.length === 0) return foldHeaderField(`Authentication-Results: ${id}; none`)
  const lines = results.map(r => r.replace(/\s+/g, ' ').trim())
  return foldHeaderField(`Authentication-Results: ${id};\r\n\t${lines.join(';\r\n\t')}`)
}

/** Remove RFC 5322 §3.2.2 comments (nested, with quoted-pairs), keeping quoted strings intact. */
function stripComments(value: string): string {
  let out = ''
  let depth = 0
  let quoted = false
  for (let i = 0; i < value.length; i++) {
    const c = value[i]
    if (c === '\\') {
      if (depth === 0) out += value.slice(i, i + 2)
      i++
    } else if (quoted) {
      out += c
      if (c === '"') quoted = false
    } else if (c === '(') depth++
    else if (c === ')' && depth > 0) depth--
    else if (depth === 0) {
      if (c === '"') quoted = true
      out += c
    }
  }
  return out
}

/** The authserv-id of an incoming Authentication-Results value (unfolded), lower-cased; null if none. */
export function authservIdOf(value: string): string | null {
  const text = stripComments(value).trim()
  if (text.startsWith('"')) {
    const m = /^"((?:[^"\\]|\\.)*)"/.exec(text)
    return m?.[1] === undefined ? null : m[1].replace(/\\(.)/g, '$1').toLowerCase()
  }
  const m = /^[^\s;]+/.exec(text)
  return m ? m[0].toLowerCase() : null
}

/** Whether an incoming field claims `authservId` (case-insensitive; RFC 8601 §2.5 host names). */
export function claimsAuthservId(value: string, authservId: string): boolean {
  const id = authservIdOf(value)
  return id !== null && id.replace(/\.$/, '') === authservId.toLowerCase().replace(/\.$/, '')
}
