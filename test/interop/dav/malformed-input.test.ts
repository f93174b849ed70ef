// Bad input over real HTTP: malformed XML, invalid iCalendar and vCard, wrong media types and bodies
// over dav.maxResourceSize each get a clear 4xx naming the problem, and nothing is stored.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { ANN, type DavTestServer, davRequest, PROPFIND_ETAG, startDavTestServer } from './support/dav-test-server.ts'
import { crlf, singleEvent, vcard3 } from './support/fixtures.ts'

const LIMIT = 64 * 1024
let s: DavTestServer
const CAL = '/dav/calendars/ann@dav.test/default/'
const BOOK = '/dav/addressbooks/ann@dav.test/default/'

beforeAll(async () => {
  s = await startDavTestServer([`dav.maxResourceSize=${LIMIT}`])
}, 20_000)
afterAll(async () => {
  await s.stop()
}, 20_000)

async function members(collection: string): Promise<number> {
  const reply = await davRequest(s.base, ANN, 'PROPFIND', collection, PROPFIND_ETAG, { depth: '1' })
  return (reply.text.match(/<d:response>/g)?.length ?? 1) - 1
}

const event = (lines: string[]) =>
  crlf(['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//t//EN', 'BEGIN:VEVENT', ...lines, 'END:VEVENT', 'END:VCALENDAR'])

describe('malformed XML bodies are 400', () => {
  test.each([
    ['PROPFIND', CAL, '<d:propfind xmlns:d="DAV:"><d:prop>'],
    ['PROPFIND', CAL, 'not xml at all'],
    ['PROPFIND', CAL, '<d:propfind><d:prop/></d:propfind>'],
    ['PROPFIND', CAL, '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><d:propfind xmlns:d="DAV:">&a;</d:propfind>'],
    ['PROPFIND', CAL, '<d:other xmlns:d="DAV:"/>'],
    ['REPORT', CAL, '<c:calendar-query xmlns:c="urn:ietf:params:xml:ns:caldav"><c:filter>'],
    ['REPORT', CAL, ''],
    ['PROPPATCH', CAL, '<d:propertyupdate xmlns:d="DAV:"><d:set></d:propertyupdate>'],
    ['MKCALENDAR', '/dav/calendars/ann@dav.test/broken/', '<c:mkcalendar xmlns:c="urn:ietf:params:xml:ns:caldav">'],
  ] as const)('%s %s %s', async (method, path, body) => {
    const reply = await davRequest(s.base, ANN, method, path, body, { depth: '1', 'content-type': 'application/xml' })
    expect(reply.status).toBe(400)
    expect(reply.text.length).toBeGreaterThan(0)
  })

  test('nothing was created by the broken MKCALENDAR', async () => {
    const home = await davRequest(s.base, ANN, 'PROPFIND', '/dav/calendars/ann@dav.test/', PROPFIND_ETAG, {
      depth: '1',
    })
    expect(home.text).not.toContain('broken')
  })
})

describe('invalid calendar data is refused with a CalDAV precondition', () => {
  test.each([
    ['not iCalendar', 'hello world\r\n', 'valid-calendar-data'],
    ['unterminated', 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:x\r\n', 'valid-calendar-data'],
    ['no VERSION', singleEvent('x', 'x').replace('VERSION:2.0\r\n', ''), 'valid-calendar-data'],
    ['bad date', event(['UID:x', 'DTSTAMP:20250101T000000Z', 'DTSTART:2025-03-01']), 'valid-calendar-data'],
    ['bad rule', event(['UID:x', 'DTSTART:20250301T100000Z', 'RRULE:FREQ=SOMETIMES']), 'valid-calendar-data'],
    ['no DTSTART', event(['UID:x', 'SUMMARY:when?']), 'valid-calendar-data'],
    [
      'DTEND and DURATION',
      event(['UID:x', 'DTSTART:20250301T100000Z', 'DTEND:20250301T110000Z', 'DURATION:PT1H']),
      'valid-calendar-data',
    ],
    ['unknown TZID', event(['UID:x', 'DTSTART;TZID=Mars/Olympus:20250301T100000']), 'valid-calendar-data'],
    ['no UID', event(['DTSTART:20250301T100000Z']), 'valid-calendar-object-resource'],
    [
      'no component',
      crlf(['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//t//EN', 'END:VCALENDAR']),
      'valid-calendar-object-resource',
    ],
    [
      'METHOD',
      singleEvent('x', 'x').replace('VERSION:2.0\r\n', 'VERSION:2.0\r\nMETHOD:REQUEST\r\n'),
      'valid-calendar-object-resource',
    ],
    [
      'two UIDs',
      singleEvent('x', 'x').replace(
        'END:VCALENDAR',
        'BEGIN:VEVENT\r\nUID:y\r\nDTSTART:20250301T100000Z\r\nEND:VEVENT\r\nEND:VCALENDAR',
      ),
      'valid-calendar-object-resource',
    ],
    [
      'mixed types',
      singleEvent('x', 'x').replace('END:VCALENDAR', 'BEGIN:VTODO\r\nUID:x\r\nEND:VTODO\r\nEND:VCALENDAR'),
      'valid-calendar-object-resource',
    ],
    [
      'a task in the event calendar',
      crlf(['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//t//EN', 'BEGIN:VTODO', 'UID:t', 'END:VTODO', 'END:VCALENDAR']),
      'supported-calendar-component',
    ],
  ] as const)('%s', async (_name, body, condition) => {
    const reply = await davRequest(s.base, ANN, 'PUT', `${CAL}bad.ics`, body, { 'content-type': 'text/calendar' })
    expect(reply.status).toBe(403)
    expect(reply.text).toContain(`<cal:${condition}/>`)
    expect((await davRequest(s.base, ANN, 'GET', `${CAL}bad.ics`)).status).toBe(404)
  })

  test('a non-calendar media type is supported-calendar-data; invalid UTF-8 is 400', async () => {
    const wrongType = await davRequest(s.base, ANN, 'PUT', `${CAL}bad.ics`, singleEvent('x', 'x'), {
      'content-type': 'application/json',
    })
    expect(wrongType.status).toBe(403)
    expect(wrongType.text).toContain('<cal:supported-calendar-data/>')
    const bytes = new TextEncoder().encode(singleEvent('x', 'SUMMARY_PLACEHOLDER'))
    const broken = new Uint8Array([...bytes.slice(0, 60), 0xff, 0xfe, ...bytes.slice(60)])
    const reply = await davRequest(s.base, ANN, 'PUT', `${CAL}bad.ics`, broken, { 'content-type': 'text/calendar' })
    expect(reply.status).toBe(400)
    expect(await members(CAL)).toBe(0)
  })

  test('a UID already used by another resource is no-uid-conflict', async () => {
    expect(
      (
        await davRequest(s.base, ANN, 'PUT', `${CAL}a.ics`, singleEvent('same', 'A'), {
          'content-type': 'text/calendar',
        })
      ).status,
    ).toBe(201)
    const reply = await davRequest(s.base, ANN, 'PUT', `${CAL}b.ics`, singleEvent('same', 'B'), {
      'content-type': 'text/calendar',
    })
    expect(reply.status).toBe(403)
    expect(reply.text).toContain('<cal:no-uid-conflict><d:href>/dav/calendars/ann@dav.test/default/a.ics</d:href>')
    expect((await davRequest(s.base, ANN, 'GET', `${CAL}b.ics`)).status).toBe(404)
    await davRequest(s.base, ANN, 'DELETE', `${CAL}a.ics`)
  })
})

describe('invalid vCards are refused with valid-address-data', () => {
  test.each([
    ['not a vCard', 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n'],
    ['garbage', 'hello\r\n'],
    ['version 2.1', vcard3('u', 'A B', 'a@b.test').replace('VERSION:3.0', 'VERSION:2.1')],
    ['no FN', vcard3('u', 'A B', 'a@b.test').replace(/FN:.*\r\n/, '')],
    ['no UID', vcard3('u', 'A B', 'a@b.test').replace(/UID:.*\r\n/, '')],
    ['two cards', vcard3('u', 'A B', 'a@b.test') + vcard3('v', 'C D', 'c@d.test')],
  ] as const)('%s', async (_name, body) => {
    const reply = await davRequest(s.base, ANN, 'PUT', `${BOOK}bad.vcf`, body, { 'content-type': 'text/vcard' })
    expect(reply.status).toBe(403)
    expect(reply.text).toContain('<card:valid-address-data/>')
    expect(await members(BOOK)).toBe(0)
  })
})

describe('bodies over dav.maxResourceSize are 413', () => {
  const huge = singleEvent('big', 'x'.repeat(LIMIT))

  test('with Content-Length', async () => {
    const reply = await davRequest(s.base, ANN, 'PUT', `${CAL}big.ics`, huge, { 'content-type': 'text/calendar' })
    expect(reply.status).toBe(413)
    expect(await members(CAL)).toBe(0)
  })

  test('chunked, without Content-Length', async () => {
    const bytes = new TextEncoder().encode(huge)
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < bytes.length; i += 8192) controller.enqueue(bytes.slice(i, i + 8192))
        controller.close()
      },
    })
    const response = await fetch(`${s.base}${CAL}big.ics`, {
      method: 'PUT',
      body: stream,
      headers: { authorization: `Basic ${Buffer.from(`${ANN.email}:${ANN.password}`).toString('base64')}` },
    })
    expect(response.status).toBe(413)
    expect(await members(CAL)).toBe(0)
  })

  test('an XML body over the limit', async () => {
    const hrefs = Array.from({ length: 2000 }, (_, i) => `<d:href>${CAL}${i}.ics</d:href>`).join('')
    const reply = await davRequest(
      s.base,
      ANN,
      'REPORT',
      CAL,
      `<c:calendar-multiget xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:prop><d:getetag/></d:prop>${hrefs}</c:calendar-multiget>`,
    )
    expect(reply.status).toBe(413)
  })
})

describe('bad report parameters', () => {
  test.each([
    [
      'no filter',
      '<c:calendar-query xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:prop><d:getetag/></d:prop></c:calendar-query>',
      'valid-filter',
    ],
    [
      'local time in time-range',
      '<c:calendar-query xmlns:c="urn:ietf:params:xml:ns:caldav"><c:filter><c:comp-filter name="VCALENDAR"><c:comp-filter name="VEVENT"><c:time-range start="20250101T000000"/></c:comp-filter></c:comp-filter></c:filter></c:calendar-query>',
      'valid-filter',
    ],
    [
      'unknown collation',
      '<c:calendar-query xmlns:c="urn:ietf:params:xml:ns:caldav"><c:filter><c:comp-filter name="VCALENDAR"><c:comp-filter name="VEVENT"><c:prop-filter name="SUMMARY"><c:text-match collation="i;klingon">x</c:text-match></c:prop-filter></c:comp-filter></c:comp-filter></c:filter></c:calendar-query>',
      'supported-collation',
    ],
    ['unknown report', '<x:whatever xmlns:x="urn:example"/>', 'supported-report'],
  ] as const)('%s', async (_name, body, condition) => {
    const reply = await davRequest(s.base, ANN, 'REPORT', CAL, body, { depth: '1' })
    expect(reply.status).toBe(403)
    expect(reply.text).toContain(`:${condition}/>`)
  })

  test('a sync token from another collection is valid-sync-token', async () => {
    const tasks = await davRequest(
      s.base,
      ANN,
      'REPORT',
      '/dav/calendars/ann@dav.test/tasks/',
      '<d:sync-collection xmlns:d="DAV:"><d:sync-token/><d:sync-level>1</d:sync-level><d:prop/></d:sync-collection>',
    )
    const token = /<d:sync-token>([^<]+)<\/d:sync-token>/.exec(tasks.text)?.[1]
    expect(token).toBeDefined()
    for (const bad of [token, 'http://mail-server.invalid/ns/sync/1-99999', 'garbage']) {
      const reply = await davRequest(
        s.base,
        ANN,
        'REPORT',
        CAL,
        `<d:sync-collection xmlns:d="DAV:"><d:sync-token>${bad}</d:sync-token><d:sync-level>1</d:sync-level><d:prop/></d:sync-collection>`,
      )
      expect(reply.status).toBe(403)
      expect(reply.text).toContain('<d:valid-sync-token/>')
    }
  })
})
