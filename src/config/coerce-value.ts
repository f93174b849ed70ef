// Strings from the environment, env files and flags become typed values here, using the schema
// leaf's kind. Range and format checks stay in the schema; this only parses, and rejects what cannot be
// parsed with the same wording schema failures get (`expected …, got "…"`).
import type { ConfigLeaf } from './schema-leaves.ts'

export type CoerceResult = { ok: true; value: unknown } | { ok: false; message: string }

const TRUE = new Set(['true', '1', 'yes', 'on'])
const FALSE = new Set(['false', '0', 'no', 'off'])
// Plain decimal numbers only: Number('') is 0 and Number('0x1f') is 31, neither is what a user meant.
const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/

const got = (raw: string) => `got ${JSON.stringify(raw)}`

function coerceNumber(leaf: ConfigLeaf, raw: string, expectation: string): CoerceResult {
  const text = raw.trim()
  if (!DECIMAL.test(text)) return { ok: false, message: `expected ${expectation}, ${got(raw)}` }
  const value = Number(text)
  if (leaf.bounds?.integer && !Number.isSafeInteger(value))
    return { ok: false, message: `expected ${expectation}, ${got(raw)}` }
  return { ok: true, value }
}

function coerceScalar(leaf: ConfigLeaf, raw: string, expectation: string): CoerceResult {
  switch (leaf.kind) {
    case 'number':
      return coerceNumber(leaf, raw, expectation)
    case 'boolean': {
      const text = raw.trim().toLowerCase()
      if (TRUE.has(text)) return { ok: true, value: true }
      if (FALSE.has(text)) return { ok: true, value: false }
      return { ok: false, message: `expected true or false (also 1/0, yes/no, on/off), ${got(raw)}` }
    }
    case 'enum': {
      // Case-insensitive, spelled back the schema's way: the seed wrote SMTP_DELIVERY_METHOD=SES too.
      const text = raw.trim().toLowerCase()
      const value = leaf.values?.find(v => v.toLowerCase() === text)
      if (value !== undefined) return { ok: true, value }
      return { ok: false, message: `expected ${expectation}, ${got(raw)}` }
    }
    default:
      return { ok: true, value: raw }
  }
}

/** Parse `raw` as the type of `leaf`; lists are comma-separated (`127.0.0.1:5353,[::1]:53`). */
export function coerceConfigValue(leaf: ConfigLeaf, raw: string): CoerceResult {
  if (leaf.kind !== 'list') return coerceScalar(leaf, raw, leaf.expectation)
  const items = raw
    .split(',')
    .map(s => s.trim())
    .filter(s => s.length > 0)
  // Elements of the lists in the schema are strings; their format is the schema's to check.
  return { ok: true, value: items }
}
