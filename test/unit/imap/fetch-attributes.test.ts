import { describe, expect, test } from 'bun:test'
import { type FetchAttribute, fetchSetsSeen, formatFetchItemName } from '../../../src/imap/protocol/fetch-attributes.ts'
import { parseInput } from './helpers/receive.ts'

function attributes(list: string): FetchAttribute[] {
  const result = parseInput(`A1 FETCH 1 ${list}\r\n`)
  if (result instanceof Error) throw result
  if (result.name !== 'FETCH') throw new Error('not a FETCH')
  return result.attributes
}

describe('FETCH response item names (RFC 9051 §7.5.2)', () => {
  test.each([
    ['FLAGS', 'FLAGS'],
    ['rfc822.size', 'RFC822.SIZE'],
    ['BODY[]', 'BODY[]'],
    ['BODY.PEEK[]', 'BODY[]'],
    ['BODY[1.2.3]', 'BODY[1.2.3]'],
    ['BODY.PEEK[1.2.HEADER.FIELDS.NOT (From To)]<0.100>', 'BODY[1.2.HEADER.FIELDS.NOT (From To)]<0>'],
    ['body[header.fields ("X(Weird)" Subject)]', 'BODY[HEADER.FIELDS ("X(Weird)" Subject)]'],
    ['BODY[2.MIME]', 'BODY[2.MIME]'],
    ['BODY[TEXT]<1024.2048>', 'BODY[TEXT]<1024>'],
    ['BINARY.PEEK[1]<5.10>', 'BINARY[1]<5>'],
    ['BINARY.SIZE[]', 'BINARY.SIZE[]'],
  ])('%s → %s', (item, name) => {
    const [attribute] = attributes(item)
    expect(attribute).toBeDefined()
    expect(formatFetchItemName(attribute as FetchAttribute)).toBe(name)
  })

  test('header field names that are not atoms are quoted in the request and in the response', () => {
    const [attribute] = attributes('BODY[HEADER.FIELDS ("X(Weird)")]')
    expect(attribute).toEqual({
      type: 'body-section',
      peek: false,
      section: { part: [], text: { type: 'header-fields', not: false, fields: ['X(Weird)'] } },
      partial: null,
    })
    expect(formatFetchItemName(attribute as FetchAttribute)).toBe('BODY[HEADER.FIELDS ("X(Weird)")]')
    expect(parseInput('A1 FETCH 1 BODY[HEADER.FIELDS ("X Weird")]\r\n')).toMatchObject({
      message: 'Invalid header field name "X Weird"',
    })
  })
})

describe('which items set \\Seen (RFC 9051 §6.4.5)', () => {
  test.each([
    ['BODY[]', true],
    ['BODY.PEEK[]', false],
    ['BINARY[1]', true],
    ['BINARY.PEEK[1]', false],
    ['RFC822', true],
    ['RFC822.TEXT', true],
    ['RFC822.HEADER', false],
    ['BODY', false],
    ['BINARY.SIZE[1]', false],
  ])('%s: %p', (item, sets) => {
    expect(fetchSetsSeen(attributes(item)[0] as FetchAttribute)).toBe(sets)
  })
})
