// IMAP strings inside pre-formatted FETCH data (ENVELOPE, BODYSTRUCTURE). Those items are built
// as text because the grammar puts some lists back to back with no SP (`1*body`, `1*address`,
// RFC 9051 §9), which the serializer's list value cannot express; strings still go out quoted
// or as literals by the serializer's own rules (formatString), so a literal's length is exact.
import { formatString } from '../protocol/serializer.ts'

export interface ImapTextOptions {
  /** UTF8=ACCEPT or IMAP4rev2 enabled: 8-bit text may be quoted. */
  utf8?: boolean
}

/** nstring: NIL or a string. */
export function nstring(value: string | null | undefined, options: ImapTextOptions): string {
  return value === null || value === undefined ? 'NIL' : formatString(value, options)
}

/** `("a" "b")`, or NIL for an empty or missing list. */
export function stringList(values: readonly string[] | null | undefined, options: ImapTextOptions): string {
  if (values === null || values === undefined || values.length === 0) return 'NIL'
  return `(${values.map(v => formatString(v, options)).join(' ')})`
}
