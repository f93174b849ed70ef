// Fixture messages (test/fixtures/mime) and independent offset arithmetic: tests locate parts
// by searching the raw octets for text they know is there, never through the parser under test.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { FetchAttribute } from '../../../../src/imap/protocol/fetch-attributes.ts'
import { parseCommand } from '../../../../src/imap/protocol/parse-command.ts'

const FIXTURES = join(import.meta.dir, '../../../fixtures/mime')

export function loadFixture(name: string): Uint8Array {
  return new Uint8Array(readFileSync(join(FIXTURES, name)))
}

/** The octets as a binary string (one char per octet), for searching. */
export const latin1 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('latin1')

/** Offset of the first `needle` at or after `from` (fails the test when absent). */
export function offsetOf(bytes: Uint8Array, needle: string, from = 0): number {
  const at = latin1(bytes).indexOf(needle, from)
  if (at < 0) throw new Error(`fixture does not contain ${JSON.stringify(needle)}`)
  return at
}

/** [start, end): from just after `startNeedle` to the next `endNeedle` after it. */
export function rangeBetween(bytes: Uint8Array, startNeedle: string, endNeedle: string, from = 0): [number, number] {
  const start = offsetOf(bytes, startNeedle, from) + startNeedle.length
  return [start, offsetOf(bytes, endNeedle, start)]
}

/** The octets between two needles. */
export function between(bytes: Uint8Array, startNeedle: string, endNeedle: string, from = 0): Uint8Array {
  const [start, end] = rangeBetween(bytes, startNeedle, endNeedle, from)
  return bytes.subarray(start, end)
}

/** "size lines" of a body as BODYSTRUCTURE reports a text part: octets and LF count. */
export function sizeLines(body: Uint8Array): string {
  return `${body.length} ${body.filter(b => b === 0x0a).length}`
}

export const text = (bytes: Uint8Array): string => Buffer.from(bytes).toString('latin1')
export const bytesOf = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'latin1'))

/** One FETCH attribute parsed by the real command parser, e.g. `BODY[1.2.MIME]<0.10>`. */
export function fetchAttribute(item: string): FetchAttribute {
  const command = parseCommand({ tag: 'A1', lines: [bytesOf(`A1 FETCH 1 ${item}`)], literals: [] })
  if (command.name !== 'FETCH' || command.attributes.length !== 1) throw new Error(`not one FETCH item: ${item}`)
  return command.attributes[0] as FetchAttribute
}
