// The MTA-STS policy file (RFC 8461 §3.2), served at https://mta-sts.<domain>/.well-known/mta-sts.txt:
//   version: STSv1
//   mode: enforce
//   mx: mail.example.com
//   mx: *.example.net
//   max_age: 604800
// key/value lines ending in CRLF or LF; mx may repeat; max_age is at most 31557600 (one year).
// Unknown keys are ignored.

export type StsMode = 'enforce' | 'testing' | 'none'

export interface StsPolicy {
  mode: StsMode
  /** MX patterns, lower case, as listed (§4.1: "*." matches exactly one label). */
  mx: string[]
  /** Seconds the policy may be cached. */
  maxAge: number
  /** The policy's lines as received, for TLS-RPT's policy-string (RFC 8460 §4.4). */
  lines: string[]
}

export type StsPolicyResult = { ok: true; policy: StsPolicy } | { ok: false; reason: string }

/** §3.2: max_age ≤ 31557600. */
export const MAX_POLICY_AGE = 31_557_600

const KEY = /^\w+$/
const MX_PATTERN = /^(?:\*\.)?[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*\.?$/

export function parseStsPolicy(text: string): StsPolicyResult {
  const lines = text.split(/\r?\n/).filter(l => l.trim() !== '')
  let version: string | null = null
  let mode: StsMode | null = null
  let maxAge: number | null = null
  const mx: string[] = []
  for (const line of lines) {
    const colon = line.indexOf(':')
    const key = colon < 0 ? '' : line.slice(0, colon)
    if (!KEY.test(key)) return { ok: false, reason: `malformed line ${JSON.stringify(line.slice(0, 60))}` }
    // §3.2: sts-policy-field-delim = ":" *WSP; trailing whitespace is not part of the value.
    const value = line
      .slice(colon + 1)
      .replace(/^[ \t]+/, '')
      .replace(/[ \t]+$/, '')
    switch (key) {
      case 'version':
        version = value
        break
      case 'mode':
        if (value !== 'enforce' && value !== 'testing' && value !== 'none')
          return { ok: false, reason: `unknown mode ${JSON.stringify(value)}` }
        mode = value
        break
      case 'max_age':
        if (!/^\d{1,10}$/.test(value)) return { ok: false, reason: 'max_age is not a number' }
        maxAge = Math.min(Number(value), MAX_POLICY_AGE)
        break
      case 'mx': {
        const pattern = value.toLowerCase()
        if (!MX_PATTERN.test(pattern)) return { ok: false, reason: `bad mx pattern ${JSON.stringify(value)}` }
        mx.push(pattern.replace(/\.$/, ''))
        break
      }
      default:
        break // §3.2: unknown fields are ignored
    }
  }
  if (version !== 'STSv1') return { ok: false, reason: 'version is not STSv1' }
  if (mode === null) return { ok: false, reason: 'no mode' }
  if (maxAge === null) return { ok: false, reason: 'no max_age' }
  // §3.2: mx is required unless mode is none.
  if (mx.length === 0 && mode !== 'none') return { ok: false, reason: 'no mx pattern' }
  return { ok: true, policy: { mode, mx, maxAge, lines } }
}

/** §4.1: a pattern matches the MX name exactly, or "*.rest" matches one extra leftmost label. */
export function mxMatchesPattern(mxHost: string, pattern: string): boolean {
  const host = mxHost.toLowerCase().replace(/\.$/, '')
  if (!pattern.startsWith('*.')) return host === pattern
  const rest = pattern.slice(2)
  const dot = host.indexOf('.')
  return dot > 0 && host.slice(dot + 1) === rest
}

export const mxMatchesPolicy = (mxHost: string, policy: StsPolicy): boolean =>
  policy.mx.some(pattern => mxMatchesPattern(mxHost, pattern))
