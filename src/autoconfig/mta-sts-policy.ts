// MTA-STS policy file (RFC 8461 §3.2), served at https://mta-sts.<domain>/.well-known/mta-sts.txt:
// key/value lines "version: STSv1", "mode", one "mx" per allowed MX pattern, "max_age" in seconds.
// Lines end in CRLF (§3.2 allows CRLF or LF; CRLF is what every parser accepts).
import type { Config } from '../config/schema.ts'

/** RFC 8461 §3.2: max_age is at most 31557600 seconds (about a year). */
export const MTA_STS_MAX_AGE_LIMIT = 31_557_600

export function mtaStsPolicy(settings: Config['mtaSts'], hostname: string): string {
  const mx = settings.mx.length > 0 ? settings.mx : [hostname]
  const maxAge = Math.min(Math.max(0, Math.trunc(settings.maxAgeSeconds)), MTA_STS_MAX_AGE_LIMIT)
  const lines = [
    'version: STSv1',
    `mode: ${settings.mode}`,
    ...mx.map(m => `mx: ${m.trim().toLowerCase()}`),
    `max_age: ${maxAge}`,
  ]
  return `${lines.join('\r\n')}\r\n`
}
