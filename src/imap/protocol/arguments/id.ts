// ID ("(" *(string SP nstring) ")" / NIL) (RFC 2971 §3.1).
import type { ImapTokenizer } from '../tokenizer.ts'

export interface IdCommand {
  name: 'ID'
  /** Field/value pairs in order, or null for `ID NIL`. */
  parameters: Array<[field: string, value: string | null]> | null
}

export function parseId(t: ImapTokenizer): IdCommand {
  t.space('ID parameter list or NIL')
  if (t.consumeKeyword('NIL')) return { name: 'ID', parameters: null }
  const parameters = t.list(
    'ID parameter list',
    (): [string, string | null] => {
      const field = t.decodeText(t.string('ID field name'), 'ID field name')
      t.space(`value for ID field "${field}"`)
      return [field, t.nstring(`value for ID field "${field}"`)]
    },
    { allowEmpty: true },
  )
  return { name: 'ID', parameters }
}
