// The TLS-RPT policy at `_smtp._tls.<domain>` (RFC 8460 §3):
//   v=TLSRPTv1; rua=mailto:reports@example.com,https://reporting.example.com/v1/tlsrpt
// v must be first; rua is a comma-separated list of mailto: or https: URIs. Several records with
// v=TLSRPTv1, or none, mean the domain asks for no reports (§3).

export interface TlsRptRecord {
  /** Report destinations (mailto: and https: only; others are ignored). */
  rua: URL[]
}

export type TlsRptRecordResult = { ok: true; record: TlsRptRecord } | { ok: false; reason: string }

export function parseTlsRptRecord(text: string): TlsRptRecordResult {
  const fields = text
    .split(';')
    .map(f => f.trim())
    .filter(f => f !== '')
  if (fields[0] !== 'v=TLSRPTv1') return { ok: false, reason: 'record does not start with v=TLSRPTv1' }
  let rua: URL[] | null = null
  for (const field of fields.slice(1)) {
    const eq = field.indexOf('=')
    if (eq <= 0) return { ok: false, reason: `malformed field ${JSON.stringify(field.slice(0, 40))}` }
    const key = field.slice(0, eq).trim()
    if (key !== 'rua') continue // §3: unknown fields are ignored
    rua = []
    for (const raw of field.slice(eq + 1).split(',')) {
      const value = raw.trim()
      let url: URL
      try {
        url = new URL(value)
      } catch {
        return { ok: false, reason: `rua is not a URI: ${JSON.stringify(value.slice(0, 60))}` }
      }
      if (url.protocol === 'mailto:' || url.protocol === 'https:') rua.push(url)
    }
  }
  if (rua === null) return { ok: false, reason: 'no rua field' }
  if (rua.length === 0) return { ok: false, reason: 'rua has no mailto: or https: URI' }
  return { ok: true, record: { rua } }
}

/** The one usable record among a name's TXT records, or null. */
export function selectTlsRptRecord(records: readonly string[][]): TlsRptRecordResult | null {
  const candidates = records.map(s => s.join('')).filter(t => /^v=TLSRPTv1(?:;|\s|$)/.test(t))
  if (candidates.length === 0) return null
  if (candidates.length > 1) return { ok: false, reason: 'more than one v=TLSRPTv1 record' }
  return parseTlsRptRecord(candidates[0] as string)
}

/** The address of a mailto: URI (RFC 6068: percent-decoded, query dropped). */
export function mailtoAddress(url: URL): string {
  return decodeURIComponent(url.pathname)
}
