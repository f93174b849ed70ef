// vCard validation for PUT (RFC 6352 §6.3.2.1) and addressbook-query filters (RFC 6352 §10.5).
import { describe, expect, test } from 'bun:test'
import { DOMParser } from '@xmldom/xmldom'
import { matchesAddressbookFilter, parseAddressbookFilter } from '../../../src/dav/carddav/addressbook-filter.ts'
import { parseVCard, validateVCard } from '../../../src/dav/carddav/validate-vcard.ts'
import { DavError } from '../../../src/dav/dav-error.ts'
import { NS } from '../../../src/dav/xml/dav-namespaces.ts'
import { crlf, vcard3, vcard4 } from '../../interop/dav/support/fixtures.ts'

describe('validateVCard', () => {
  test.each([
    ['3.0', vcard3('u1', 'Ann Example', 'ann@x.test'), 'u1', '3.0'],
    ['4.0', vcard4('urn:uuid:2', 'Bo', '+1-555'), 'urn:uuid:2', '4.0'],
    [
      'folded lines and groups',
      crlf(['BEGIN:VCARD', 'VERSION:3.0', 'UID:u3', 'FN:A very long na', ' me', 'item1.EMAIL:a@x.test', 'END:VCARD']),
      'u3',
      '3.0',
    ],
  ])('accepts %s', (_name, text, uid, version) => {
    expect(validateVCard(text)).toEqual({ uid, version })
  })

  test.each([
    ['empty', ''],
    ['garbage', 'hello'],
    ['a calendar', 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n'],
    ['unterminated', 'BEGIN:VCARD\r\nVERSION:3.0\r\nFN:x\r\nUID:u\r\n'],
    ['version 2.1', vcard3('u', 'A', 'a@x.test').replace('3.0', '2.1')],
    ['no version', vcard3('u', 'A', 'a@x.test').replace('VERSION:3.0\r\n', '')],
    ['no FN', vcard3('u', 'A', 'a@x.test').replace(/FN:.*\r\n/, '')],
    ['empty UID', vcard3('', 'A', 'a@x.test')],
    ['two vCards', vcard3('u', 'A', 'a@x.test') + vcard3('v', 'B', 'b@x.test')],
  ])('refuses %s with valid-address-data', (_name, text) => {
    let error: unknown
    try {
      validateVCard(text)
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(DavError)
    expect((error as DavError).status).toBe(403)
    expect((error as DavError).condition?.name).toBe(`{${NS.CARDDAV}}valid-address-data`)
  })
})

describe('addressbook-query filter', () => {
  const ada = parseVCard(
    crlf([
      'BEGIN:VCARD',
      'VERSION:3.0',
      'UID:ada',
      'FN:Ada Lovelace',
      'N:Lovelace;Ada;;;',
      'EMAIL;TYPE=home,pref:ada@home.test',
      'item1.EMAIL;TYPE=work:ada@work.test',
      'NICKNAME:Enchantress',
      'END:VCARD',
    ]),
  )
  const filter = (inner: string, test = 'anyof') => {
    const root = new DOMParser().parseFromString(
      `<C:filter xmlns:C="${NS.CARDDAV}" test="${test}">${inner}</C:filter>`,
      'text/xml',
    ).documentElement
    if (!root) throw new Error('no root')
    return parseAddressbookFilter(root)
  }
  const pf = (name: string, inner = '', test = 'anyof') =>
    `<C:prop-filter name="${name}" test="${test}">${inner}</C:prop-filter>`
  const tm = (text: string, attrs = '') => `<C:text-match ${attrs}>${text}</C:text-match>`

  test.each([
    ['empty filter matches all', '', 'anyof', true],
    ['property exists', pf('NICKNAME'), 'anyof', true],
    ['property missing', pf('TEL'), 'anyof', false],
    ['is-not-defined', pf('TEL', '<C:is-not-defined/>'), 'anyof', true],
    ['structured N', pf('N', tm('lovelace;ada')), 'anyof', true],
    ['grouped EMAIL', pf('EMAIL', tm('work.test', 'match-type="ends-with"')), 'anyof', true],
    [
      'param TYPE list',
      pf('EMAIL', '<C:param-filter name="TYPE">' + tm('pref', 'match-type="equals"') + '</C:param-filter>'),
      'anyof',
      true,
    ],
    ['param absent', pf('NICKNAME', '<C:param-filter name="TYPE"><C:is-not-defined/></C:param-filter>'), 'anyof', true],
    ['prop-filter allof on one property', pf('EMAIL', tm('home') + tm('work'), 'allof'), 'anyof', false],
    ['prop-filter anyof on one property', pf('EMAIL', tm('home') + tm('work'), 'anyof'), 'anyof', true],
    ['filter anyof', pf('TEL') + pf('FN', tm('ada')), 'anyof', true],
    ['filter allof', pf('TEL') + pf('FN', tm('ada')), 'allof', false],
    [
      'octet is case-sensitive',
      pf('FN', tm('ada lovelace', 'collation="i;octet" match-type="equals"')),
      'anyof',
      false,
    ],
  ])('%s', (_name, inner, testAttr, expected) => {
    expect(matchesAddressbookFilter(ada, filter(inner, testAttr))).toBe(expected)
  })

  test('bad test attribute is a 400', () => {
    expect(() => filter('', 'someof')).toThrow(DavError)
  })
})
