// SORT keys and their order (RFC 5256 §3, DISPLAYFROM/DISPLAYTO RFC 5957 §2):
//
//   ARRIVAL      INTERNALDATE                                  numeric
//   DATE         sent date (Date field in UTC, else INTERNALDATE)   numeric
//   SIZE         RFC822.SIZE                                   numeric
//   SUBJECT      base subject (base-subject.ts)                i;ascii-casemap
//   FROM TO CC   addr-mailbox of the first address             i;ascii-casemap
//   DISPLAYFROM DISPLAYTO  display name, else addr-spec        i;ascii-casemap
//
// REVERSE reverses one key. Messages equal under every key keep mailbox order (sequence number),
// whatever REVERSE says (RFC 5256 §3).
import type { SortCriterion, SortKey } from '../protocol/arguments/sort-thread.ts'
import { type SortableMessage, addressDisplay, addressMailbox } from './sortable-message.ts'

type KeyValue = number | string

/** The messages in SORT order (a new array). */
export function sortMessages(
  messages: readonly SortableMessage[],
  criteria: readonly SortCriterion[],
): SortableMessage[] {
  const keyed = messages.map(message => ({ message, keys: criteria.map(c => sortKeyValue(message, c.key)) }))
  keyed.sort((a, b) => {
    for (let i = 0; i < criteria.length; i++) {
      const order = compareKeyValues(a.keys[i] as KeyValue, b.keys[i] as KeyValue)
      if (order !== 0) return (criteria[i] as SortCriterion).reverse ? -order : order
    }
    return a.message.seq - b.message.seq
  })
  return keyed.map(k => k.message)
}

export function sortKeyValue(message: SortableMessage, key: SortKey): KeyValue {
  const envelope = message.envelope
  switch (key) {
    case 'ARRIVAL':
      return message.internalDate
    case 'DATE':
      return message.sentDate
    case 'SIZE':
      return message.size
    case 'SUBJECT':
      return asciiCasemap(message.baseSubject.subject)
    case 'FROM':
      return asciiCasemap(addressMailbox(envelope.from))
    case 'TO':
      return asciiCasemap(addressMailbox(envelope.to))
    case 'CC':
      return asciiCasemap(addressMailbox(envelope.cc))
    case 'DISPLAYFROM':
      return asciiCasemap(addressDisplay(envelope.from))
    case 'DISPLAYTO':
      return asciiCasemap(addressDisplay(envelope.to))
  }
}

/** i;ascii-casemap (RFC 4790 §9.2): a-z fold to A-Z, nothing else changes. */
export function asciiCasemap(text: string): string {
  return text.replace(/[a-z]+/g, letters => letters.toUpperCase())
}

function compareKeyValues(a: KeyValue, b: KeyValue): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b
  return compareOctets(String(a), String(b))
}

/**
 * Strings in the order of their UTF-8 octets, which is code point order. JavaScript's `<` compares
 * UTF-16 units, which puts U+E000..U+FFFF after astral characters; compare code points there.
 */
export function compareOctets(a: string, b: string): number {
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i)
    const y = b.charCodeAt(i)
    if (x === y) continue
    const xSurrogate = x >= 0xd800 && x <= 0xdfff
    const ySurrogate = y >= 0xd800 && y <= 0xdfff
    if (xSurrogate !== ySurrogate) return xSurrogate ? 1 : -1
    return x - y
  }
  return a.length - b.length
}
