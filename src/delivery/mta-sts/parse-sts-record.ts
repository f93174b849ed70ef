// The MTA-STS TXT record at `_mta-sts.<domain>` (RFC 8461 §3.1):
//   v=STSv1; id=20160831085700Z;
// Fields are `key=value` separated by ";" with optional whitespace; v must come first; id is 1-32
// alphanumerics. Unknown fields are ignored (extensions).

export interface StsRecord {
  /** Changes whenever the policy changes: the cache key (§5.1). */
  id: string
}

export type StsRecordResult = { ok: true; record: StsRecord } | { ok: false; reason: string }

const FIELD = /^([A-Za-z0-9_.-]+)=([\x21-\x3a\x3c-\x7e]*)$/
const ID = /^[A-Za-z0-9]{1,32}$/

/** Parse one TXT value (character-strings already joined). */
export function parseStsRecord(text: string): StsRecordResult {
  const fields = text
    .split(';')
    .map(f => f.trim())
    .filter(f => f !== '')
  const first = fields[0]
  if (first !== 'v=STSv1') return { ok: false, reason: 'record does not start with v=STSv1' }
  let id: string | null = null
  for (const field of fields.slice(1)) {
    const m = FIELD.exec(field)
    if (m === null) return { ok: false, reason: `malformed field ${JSON.stringify(field.slice(0, 40))}` }
    if (m[1] === 'id') {
      if (!ID.test(m[2] as string)) return { ok: false, reason: 'id must be 1 to 32 letters or digits' }
      id = m[2] as string
    }
  }
  if (id === null) return { ok: false, reason: 'no id field' }
  return { ok: true, record: { id } }
}

/**
 * §3.1: TXT records that do not start with v=STSv1 are ignored; more than one STS record means no
 * valid record. Returns null when there is no usable record.
 */
export function selectStsRecord(records: readonly string[][]): StsRecordResult | null {
  const candidates = records.map(strings => strings.join('')).filter(text => /^v=STSv1(?:;|\s|$)/.test(text))
  if (candidates.length === 0) return null
  if (candidates.length > 1) return { ok: false, reason: 'more than one v=STSv1 record' }
  return parseStsRecord(candidates[0] as string)
}
