// Request XML parsing (namespace-aware, strict) and response XML writing (escaping, CRLF kept as
// character references so iCalendar line ends survive a round trip through any XML parser).
import { describe, expect, test } from 'bun:test'
import { DOMParser } from '@xmldom/xmldom'
import { DavError } from '../../../src/dav/dav-error.ts'
import { parsePropfind, parseDepth } from '../../../src/dav/methods/parse-propfind.ts'
import { NS, clark, splitClark } from '../../../src/dav/xml/dav-namespaces.ts'
import { parseDavXml, parseDavXmlRoot } from '../../../src/dav/xml/parse-dav-xml.ts'
import { el, rawXml, serializeXml } from '../../../src/dav/xml/xml-writer.ts'

const D = (l: string) => clark(NS.DAV, l)

describe('parseDavXml', () => {
  test.each([
    ['<d:propfind xmlns:d="DAV:"/>', 'DAV:', 'propfind'],
    ['<?xml version="1.0" encoding="utf-8"?>\n<propfind xmlns="DAV:"><prop/></propfind>', 'DAV:', 'propfind'],
    ['<C:calendar-query xmlns:C="urn:ietf:params:xml:ns:caldav"/>', NS.CALDAV, 'calendar-query'],
    ['  <x:a xmlns:x="urn:x"><!-- comment --></x:a>  ', 'urn:x', 'a'],
  ])('%s', (text, namespace, local) => {
    const root = parseDavXml(text)
    expect(root.namespaceURI).toBe(namespace)
    expect(root.localName).toBe(local)
  })

  test.each([
    ['', 'no root'],
    ['plain text', 'not XML'],
    ['<d:propfind xmlns:d="DAV:"><d:prop></d:propfind>', 'mismatched tags'],
    ['<d:propfind><d:prop/></d:propfind>', 'undeclared prefix'],
    ['<a xmlns="DAV:"/><b xmlns="DAV:"/>', 'two roots'],
    ['<a xmlns="DAV:">&undefined;</a>', 'unknown entity'],
    ['<!DOCTYPE a [<!ENTITY x "y">]><a xmlns="DAV:">&x;</a>', 'DOCTYPE'],
    ['<!DOCTYPE a SYSTEM "file:///etc/passwd"><a xmlns="DAV:"/>', 'external DOCTYPE'],
    ['<a xmlns="DAV:" b="1" b="2"/>', 'duplicate attribute'],
  ])('%s is a 400 (%s)', text => {
    let error: unknown
    try {
      parseDavXml(text)
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(DavError)
    expect((error as DavError).status).toBe(400)
  })

  test('parseDavXmlRoot requires the expected root element', () => {
    expect(() => parseDavXmlRoot('<d:propertyupdate xmlns:d="DAV:"/>', NS.DAV, 'propfind')).toThrow(
      /expected a \{DAV:\}propfind/,
    )
  })
})

describe('parsePropfind', () => {
  test.each([
    ['', { kind: 'allprop', include: [] }],
    ['<d:propfind xmlns:d="DAV:"><d:allprop/></d:propfind>', { kind: 'allprop', include: [] }],
    [
      '<d:propfind xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:allprop/><d:include><c:calendar-timezone/></d:include></d:propfind>',
      { kind: 'allprop', include: [clark(NS.CALDAV, 'calendar-timezone')] },
    ],
    ['<propfind xmlns="DAV:"><propname/></propfind>', { kind: 'propname' }],
    [
      '<d:propfind xmlns:d="DAV:" xmlns:x="urn:x"><d:prop><d:getetag/>\n  <x:other/></d:prop></d:propfind>',
      { kind: 'prop', names: [D('getetag'), '{urn:x}other'] },
    ],
  ])('%s', (body, expected) => {
    expect(parsePropfind(body)).toEqual(expected as ReturnType<typeof parsePropfind>)
  })

  test('a propfind without prop, propname or allprop is 400', () => {
    expect(() => parsePropfind('<d:propfind xmlns:d="DAV:"/>')).toThrow(DavError)
  })

  test.each([
    [null, 'infinity'],
    ['0', 0],
    ['1', 1],
    [' Infinity ', 'infinity'],
  ] as const)('Depth %p', (header, expected) => {
    expect(parseDepth(header, 'infinity')).toBe(expected)
  })

  test.each(['2', '-1', 'one', ''])('Depth %p is 400', header => {
    expect(() => parseDepth(header, 'infinity')).toThrow(DavError)
  })
})

describe('serializeXml', () => {
  test('declares the known prefixes on the root and escapes text and attributes', () => {
    const xml = serializeXml(
      el(D('multistatus'), [
        el(D('response'), [el(D('href'), ['/a&b<c>']), el(clark(NS.CALDAV, 'comp'), [], { name: 'V"E&' })]),
      ]),
    )
    expect(xml).toStartWith('<?xml version="1.0" encoding="utf-8"?>\n<d:multistatus xmlns:d="DAV:" xmlns:cal=')
    expect(xml).toContain('<d:href>/a&amp;b&lt;c&gt;</d:href>')
    expect(xml).toContain('<cal:comp name="V&quot;E&amp;"/>')
  })

  test('elements in other namespaces get a default namespace declaration; raw fragments pass through', () => {
    const xml = serializeXml(
      el(D('prop'), [el('{urn:x}thing', ['v']), el('{}bare'), rawXml('{urn:y}z', '<y:z xmlns:y="urn:y">1</y:z>')]),
    )
    expect(xml).toContain('<thing xmlns="urn:x">v</thing>')
    expect(xml).toContain('<bare xmlns=""/>')
    expect(xml).toContain('<y:z xmlns:y="urn:y">1</y:z>')
  })

  test('CRLF in text survives parsing; control characters XML forbids are dropped', () => {
    const text = 'BEGIN:VCALENDAR\r\nSUMMARY:a\u0001b\r\nEND:VCALENDAR\r\n'
    const xml = serializeXml(el(clark(NS.CALDAV, 'calendar-data'), [text]))
    const parsed = new DOMParser().parseFromString(xml, 'text/xml')
    expect(parsed.documentElement?.textContent).toBe('BEGIN:VCALENDAR\r\nSUMMARY:ab\r\nEND:VCALENDAR\r\n')
  })

  test('splitClark', () => {
    expect(splitClark('{DAV:}href')).toEqual({ namespace: 'DAV:', local: 'href' })
    expect(splitClark('plain')).toEqual({ namespace: '', local: 'plain' })
  })
})
