// If-Match / If-None-Match (RFC 7232 §3.1-3.2) against a strong ETag, and the text-match collations
// (RFC 4790, RFC 5051) used by calendar-query and addressbook-query.
import { describe, expect, test } from 'bun:test'
import { DOMParser } from '@xmldom/xmldom'
import { DavError } from '../../../src/dav/dav-error.ts'
import { checkConditions, parseEtagCondition } from '../../../src/dav/preconditions.ts'
import { parseTextMatch, type TextMatch, textMatches } from '../../../src/dav/text-match.ts'
import { NS } from '../../../src/dav/xml/dav-namespaces.ts'

describe('parseEtagCondition', () => {
  test.each([
    [null, null],
    ['*', '*'],
    ['"a"', ['"a"']],
    ['"a", "b"', ['"a"', '"b"']],
    ['W/"weak", "strong"', ['"strong"']],
    ['garbage', []],
  ] as const)('%p', (header, expected) => {
    expect(parseEtagCondition(header)).toEqual(expected as ReturnType<typeof parseEtagCondition>)
  })
})

describe('checkConditions', () => {
  const status = (ifMatch: string | null, ifNoneMatch: string | null, exists: boolean, read = false) => {
    const existing = exists ? { etag: '"v1"' } : null
    try {
      checkConditions(
        { ifMatch: parseEtagCondition(ifMatch), ifNoneMatch: parseEtagCondition(ifNoneMatch) },
        existing,
        { read },
      )
      return 'ok'
    } catch (e) {
      return (e as DavError).status
    }
  }
  test.each([
    [null, null, true, false, 'ok'],
    ['"v1"', null, true, false, 'ok'],
    ['"v0", "v1"', null, true, false, 'ok'],
    ['"v0"', null, true, false, 412],
    ['W/"v1"', null, true, false, 412],
    ['*', null, true, false, 'ok'],
    ['*', null, false, false, 412],
    ['"v1"', null, false, false, 412],
    [null, '*', false, false, 'ok'],
    [null, '*', true, false, 412],
    [null, '"v1"', true, false, 412],
    [null, '"v0"', true, false, 'ok'],
    [null, '"v1"', true, true, 304],
    [null, '*', true, true, 304],
  ] as const)(
    'If-Match %p If-None-Match %p (exists %p, read %p) → %p',
    (ifMatch, ifNoneMatch, existing, read, expected) => {
      expect(status(ifMatch, ifNoneMatch, existing, read)).toBe(expected)
    },
  )
})

describe('text-match', () => {
  const m = (text: string, options: Partial<TextMatch> = {}): TextMatch => ({
    text,
    collation: 'i;unicode-casemap',
    matchType: 'contains',
    negate: false,
    ...options,
  })
  test.each([
    [m('ann'), 'Joanna', true],
    [m('ANN', { collation: 'i;ascii-casemap' }), 'joanna', true],
    [m('ann', { collation: 'i;octet' }), 'JoAnna', false],
    [m('Ä', { collation: 'i;unicode-casemap' }), 'jäger', true],
    [m('Ä', { collation: 'i;ascii-casemap' }), 'jäger', false],
    [m('jo', { matchType: 'starts-with' }), 'Joanna', true],
    [m('na', { matchType: 'starts-with' }), 'Joanna', false],
    [m('NNA', { matchType: 'ends-with' }), 'Joanna', true],
    [m('joanna', { matchType: 'equals' }), 'Joanna', true],
    [m('joann', { matchType: 'equals' }), 'Joanna', false],
    [m('x', { negate: true }), 'Joanna', true],
    [m('ann', { negate: true }), 'Joanna', false],
  ])('%o on %p', (match, value, expected) => {
    expect(textMatches(match, value)).toBe(expected)
  })

  const element = (xml: string) => {
    const root = new DOMParser().parseFromString(xml, 'text/xml').documentElement
    if (!root) throw new Error('no root')
    return root
  }

  test('parse: defaults per protocol, attributes, and the errors', () => {
    const card = parseTextMatch(
      element(`<t:text-match xmlns:t="${NS.CARDDAV}">x</t:text-match>`),
      NS.CARDDAV,
      'i;unicode-casemap',
    )
    expect(card).toEqual({ text: 'x', collation: 'i;unicode-casemap', matchType: 'contains', negate: false })
    const cal = parseTextMatch(
      element(`<t:text-match xmlns:t="${NS.CALDAV}" collation="i;octet" negate-condition="yes">y</t:text-match>`),
      NS.CALDAV,
      'i;ascii-casemap',
    )
    expect(cal).toEqual({ text: 'y', collation: 'i;octet', matchType: 'contains', negate: true })
    let error: unknown
    try {
      parseTextMatch(
        element(`<t:text-match xmlns:t="${NS.CALDAV}" collation="i;basic">z</t:text-match>`),
        NS.CALDAV,
        'i;ascii-casemap',
      )
    } catch (e) {
      error = e
    }
    expect((error as DavError).status).toBe(403)
    expect((error as DavError).condition?.name).toBe(`{${NS.CALDAV}}supported-collation`)
    expect(() =>
      parseTextMatch(
        element(`<t:text-match xmlns:t="${NS.CARDDAV}" match-type="regex">z</t:text-match>`),
        NS.CARDDAV,
        'i;unicode-casemap',
      ),
    ).toThrow(DavError)
  })
})
