// bodySectionRange (streamed FETCH) must name exactly the octets extractBodySection returns, for
// every section kind over every fixture message: the range read from the file is the answer.
import { describe, expect, test } from 'bun:test'
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { analyzeMessage, extractBodySection, selectHeaderFields } from '../../../src/imap/message/index.ts'
import { bodySectionRange } from '../../../src/imap/message/section-range.ts'
import { fetchAttribute, loadFixture } from './helpers/fixtures.ts'

const FIXTURES = readdirSync(join(import.meta.dir, '../../fixtures/mime')).filter(n => n.endsWith('.eml'))

const SECTIONS = [
  'BODY[]',
  'BODY[]<5.40>',
  'BODY[]<100000000.5>',
  'BODY[HEADER]',
  'BODY[TEXT]',
  'BODY[TEXT]<3.7>',
  'BODY[1]',
  'BODY[1.MIME]',
  'BODY[2]',
  'BODY[2.HEADER]',
  'BODY[2.TEXT]',
  'BODY[2.1]',
  'BODY[1.2.3]',
  'BODY[9]',
  'BODY[HEADER.FIELDS (SUBJECT FROM)]',
  'BODY[HEADER.FIELDS.NOT (SUBJECT)]<2.10>',
  'BODY[2.HEADER.FIELDS (CONTENT-TYPE)]',
]

describe.each(FIXTURES)('%s', name => {
  const message = loadFixture(name)
  const tree = analyzeMessage(message).tree
  test.each(SECTIONS)('%s', item => {
    const attribute = fetchAttribute(item)
    if (attribute.type !== 'body-section') throw new Error(item)
    const expected = extractBodySection(message, tree, attribute.section, attribute.partial)
    const located = bodySectionRange(tree, message.length, attribute.section, attribute.partial)
    let actual: Uint8Array | null
    if (located.kind === 'none') actual = null
    else if (located.kind === 'range') actual = message.subarray(located.range.start, located.range.end)
    else if (located.kind === 'header-fields') {
      const header = message.slice(located.header.start, located.header.end)
      const part = {
        start: 0,
        bodyStart: header.length,
        end: header.length,
        type: 'text',
        subtype: 'plain',
        params: [],
      }
      const selected = selectHeaderFields(header, part, located.fields, located.not)
      const p = located.partial
      actual = p === null ? selected : selected.subarray(Math.min(p.offset, selected.length), p.offset + p.length)
    } else throw new Error('a tree was given')
    expect(actual === null ? null : Buffer.from(actual).toString('latin1')).toEqual(
      expected === null ? null : Buffer.from(expected).toString('latin1'),
    )
  })
})

test('without a tree only the whole message is a range', () => {
  const whole = fetchAttribute('BODY[]<1.2>')
  const part = fetchAttribute('BODY[1]')
  if (whole.type !== 'body-section' || part.type !== 'body-section') throw new Error('parser')
  expect(bodySectionRange(null, 10, whole.section, whole.partial)).toEqual({
    kind: 'range',
    range: { start: 1, end: 3 },
  })
  expect(bodySectionRange(null, 10, part.section, null)).toEqual({ kind: 'needs-tree' })
})
