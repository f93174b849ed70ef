// WebDAV/CalDAV/CardDAV semantics over raw HTTP, where the interop clients do not reach: PROPFIND
// modes, PROPPATCH atomicity and dead properties, extended MKCOL, COPY/MOVE, conditional requests,
// addressbook-query filters and limits, sync-collection limits, quota properties, calendar-timezone
// for floating times.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { ANN, type DavTestServer, davRequest, PROPFIND_ETAG, startDavTestServer } from './support/dav-test-server.ts'
import { BERLIN_VTIMEZONE, crlf, singleEvent, vcard3, vcard4 } from './support/fixtures.ts'

let s: DavTestServer
const HOME = '/dav/calendars/ann@dav.test/'
const CAL = `${HOME}default/`
const BOOK = '/dav/addressbooks/ann@dav.test/default/'
const ICAL_TYPE = { 'content-type': 'text/calendar' }
const req = (method: string, path: string, body?: string, headers: Record<string, string> = {}) =>
  davRequest(s.base, ANN, method, path, body, headers)

beforeAll(async () => {
  s = await startDavTestServer()
}, 20_000)
afterAll(async () => {
  await s.stop()
}, 20_000)

describe('PROPFIND', () => {
  test('propname lists names without values; allprop has live and dead properties', async () => {
    await req(
      'PROPPATCH',
      CAL,
      '<d:propertyupdate xmlns:d="DAV:" xmlns:x="urn:example:x"><d:set><d:prop><x:flavour kind="a">mint <x:b/></x:flavour></d:prop></d:set></d:propertyupdate>',
    )
    const names = await req('PROPFIND', CAL, '<d:propfind xmlns:d="DAV:"><d:propname/></d:propfind>', { depth: '0' })
    expect(names.status).toBe(207)
    expect(names.text).toContain('<cs:getctag/>')
    expect(names.text).toContain('<d:sync-token/>')
    expect(names.text).toContain('<flavour xmlns="urn:example:x"/>')
    const all = await req('PROPFIND', CAL, '<d:propfind xmlns:d="DAV:"><d:allprop/></d:propfind>', { depth: '0' })
    expect(all.text).toContain('<d:displayname>Calendar</d:displayname>')
    expect(all.text).toContain('<x:flavour kind="a" xmlns:x="urn:example:x">mint <x:b/></x:flavour>')
    const empty = await req('PROPFIND', CAL, '', { depth: '0' })
    expect(empty.text).toContain('<d:resourcetype><d:collection/><cal:calendar/></d:resourcetype>')
  })

  test('principal and collection properties clients discover with', async () => {
    const principal = await req(
      'PROPFIND',
      '/dav/principals/ann@dav.test/',
      '<d:propfind xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav" xmlns:r="urn:ietf:params:xml:ns:carddav"><d:prop><d:principal-URL/><c:calendar-home-set/><r:addressbook-home-set/><c:calendar-user-address-set/><d:resourcetype/></d:prop></d:propfind>',
      { depth: '0' },
    )
    expect(principal.text).toContain('<card:addressbook-home-set><d:href>/dav/addressbooks/ann@dav.test/</d:href>')
    expect(principal.text).toContain('<d:href>mailto:ann@dav.test</d:href>')
    expect(principal.text).toContain('<d:principal/>')
    const calendar = await req(
      'PROPFIND',
      CAL,
      '<d:propfind xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:prop><c:supported-calendar-component-set/><c:max-resource-size/><d:supported-report-set/><d:current-user-privilege-set/><d:quota-used-bytes/><d:quota-available-bytes/><d:owner/></d:prop></d:propfind>',
      { depth: '0' },
    )
    expect(calendar.text).toContain('<cal:comp name="VEVENT"/>')
    expect(calendar.text).toContain('<cal:max-resource-size>10485760</cal:max-resource-size>')
    expect(calendar.text).toContain('<cal:calendar-multiget/>')
    expect(calendar.text).toContain('<d:sync-collection/>')
    expect(calendar.text).toContain('<d:write-content/>')
    expect(calendar.text).toContain('<d:quota-used-bytes>0</d:quota-used-bytes>')
    // No quota on the account: quota-available-bytes is absent (RFC 4331 §3).
    expect(calendar.text).toMatch(/<d:quota-available-bytes\/><\/d:prop><d:status>HTTP\/1.1 404/)
  })

  test('PROPFIND on / answers as the DAV root; unknown paths are 404', async () => {
    const root = await req(
      'PROPFIND',
      '/',
      '<d:propfind xmlns:d="DAV:"><d:prop><d:current-user-principal/></d:prop></d:propfind>',
      { depth: '0' },
    )
    expect(root.status).toBe(207)
    expect(root.text).toContain('<d:href>/</d:href>')
    expect(root.text).toContain('<d:current-user-principal><d:href>/dav/principals/ann@dav.test/</d:href>')
    expect((await req('PROPFIND', '/dav/nowhere/x/', PROPFIND_ETAG, { depth: '0' })).status).toBe(404)
    expect((await req('PROPFIND', `${HOME}missing/`, PROPFIND_ETAG, { depth: '0' })).status).toBe(404)
  })
})

describe('PROPPATCH', () => {
  test('sets displayname, colour and description; a protected property fails the whole update', async () => {
    const ok = await req(
      'PROPPATCH',
      CAL,
      '<d:propertyupdate xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav" xmlns:a="http://apple.com/ns/ical/"><d:set><d:prop><d:displayname>Home</d:displayname><a:calendar-color>#FF0000FF</a:calendar-color><c:calendar-description>Family things</c:calendar-description></d:prop></d:set></d:propertyupdate>',
    )
    expect(ok.status).toBe(207)
    expect(ok.text.match(/HTTP\/1.1 200 OK/g)?.length).toBe(1)
    const failed = await req(
      'PROPPATCH',
      CAL,
      '<d:propertyupdate xmlns:d="DAV:"><d:set><d:prop><d:displayname>Nope</d:displayname><d:getetag>"x"</d:getetag></d:prop></d:set></d:propertyupdate>',
    )
    expect(failed.text).toContain('HTTP/1.1 403 Forbidden')
    expect(failed.text).toContain('HTTP/1.1 424 Failed Dependency')
    const after = await req(
      'PROPFIND',
      CAL,
      '<d:propfind xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav" xmlns:a="http://apple.com/ns/ical/"><d:prop><d:displayname/><a:calendar-color/><c:calendar-description/></d:prop></d:propfind>',
      { depth: '0' },
    )
    expect(after.text).toContain('<d:displayname>Home</d:displayname>')
    expect(after.text).toContain('<ical:calendar-color>#FF0000FF</ical:calendar-color>')
    expect(after.text).toContain('<cal:calendar-description>Family things</cal:calendar-description>')
    const removed = await req(
      'PROPPATCH',
      CAL,
      '<d:propertyupdate xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:remove><d:prop><c:calendar-description/></d:prop></d:remove></d:propertyupdate>',
    )
    expect(removed.text).toContain('HTTP/1.1 200 OK')
    const gone = await req(
      'PROPFIND',
      CAL,
      '<d:propfind xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:prop><c:calendar-description/></d:prop></d:propfind>',
      { depth: '0' },
    )
    expect(gone.text).toContain('HTTP/1.1 404 Not Found')
  })
})

describe('PROPPATCH limits', () => {
  test('dead properties beyond 64 KiB per collection and oversized names are 507; nothing is applied', async () => {
    await req('MKCALENDAR', `${HOME}limits/`)
    const big = 'v'.repeat(40 * 1024)
    const set = (name: string, value: string) =>
      req(
        'PROPPATCH',
        `${HOME}limits/`,
        `<d:propertyupdate xmlns:d="DAV:" xmlns:x="urn:example:x"><d:set><d:prop><x:${name}>${value}</x:${name}></d:prop></d:set></d:propertyupdate>`,
      )
    expect((await set('first', big)).text).toContain('HTTP/1.1 200 OK')
    const second = await set('second', big)
    expect(second.text).toContain('HTTP/1.1 507 Insufficient Storage')
    const longName = await req(
      'PROPPATCH',
      `${HOME}limits/`,
      `<d:propertyupdate xmlns:d="DAV:"><d:set><d:prop><d:displayname>${'n'.repeat(5000)}</d:displayname></d:prop></d:set></d:propertyupdate>`,
    )
    expect(longName.text).toContain('HTTP/1.1 507 Insufficient Storage')
    const props = await req('PROPFIND', `${HOME}limits/`, '<d:propfind xmlns:d="DAV:"><d:propname/></d:propfind>', {
      depth: '0',
    })
    expect(props.text).toContain('<first xmlns="urn:example:x"/>')
    expect(props.text).not.toContain('second')
  })
})

describe('collections', () => {
  test('MKCALENDAR with properties, extended MKCOL for an address book, DELETE of a collection', async () => {
    const made = await req(
      'MKCALENDAR',
      `${HOME}journal/`,
      '<c:mkcalendar xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:set><d:prop><d:displayname>Journal</d:displayname><c:supported-calendar-component-set><c:comp name="VJOURNAL"/></c:supported-calendar-component-set></d:prop></d:set></c:mkcalendar>',
      { 'content-type': 'application/xml' },
    )
    expect(made.status).toBe(201)
    expect((await req('MKCALENDAR', `${HOME}journal/`)).status).toBe(405)
    const props = await req(
      'PROPFIND',
      `${HOME}journal/`,
      '<d:propfind xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:prop><d:displayname/><c:supported-calendar-component-set/></d:prop></d:propfind>',
      { depth: '0' },
    )
    expect(props.text).toContain('<d:displayname>Journal</d:displayname>')
    expect(props.text).toContain('<cal:comp name="VJOURNAL"/>')

    const book = await req(
      'MKCOL',
      '/dav/addressbooks/ann@dav.test/work/',
      '<d:mkcol xmlns:d="DAV:" xmlns:r="urn:ietf:params:xml:ns:carddav"><d:set><d:prop><d:resourcetype><d:collection/><r:addressbook/></d:resourcetype><d:displayname>Work</d:displayname></d:prop></d:set></d:mkcol>',
      { 'content-type': 'application/xml' },
    )
    expect(book.status).toBe(201)
    const wrongKind = await req(
      'MKCOL',
      '/dav/addressbooks/ann@dav.test/cal/',
      '<d:mkcol xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:set><d:prop><d:resourcetype><d:collection/><c:calendar/></d:resourcetype></d:prop></d:set></d:mkcol>',
      { 'content-type': 'application/xml' },
    )
    expect(wrongKind.status).toBe(403)
    expect((await req('MKCALENDAR', '/dav/addressbooks/ann@dav.test/x/')).status).toBe(403)
    expect((await req('MKCALENDAR', `${CAL}nested/`)).status).toBe(403)

    await req('PUT', '/dav/addressbooks/ann@dav.test/work/w.vcf', vcard3('w', 'W W', 'w@x.test'), {
      'content-type': 'text/vcard',
    })
    expect((await req('DELETE', '/dav/addressbooks/ann@dav.test/work/')).status).toBe(204)
    expect((await req('GET', '/dav/addressbooks/ann@dav.test/work/w.vcf')).status).toBe(404)
    expect((await req('DELETE', HOME)).status).toBe(403)
  })
})

describe('objects', () => {
  test('conditional GET, HEAD, If-Match on DELETE, PUT into a missing collection', async () => {
    const put = await req('PUT', `${CAL}cond.ics`, singleEvent('cond', 'Cond'), { ...ICAL_TYPE, 'if-none-match': '*' })
    expect(put.status).toBe(201)
    const etag = put.headers.get('etag') ?? ''
    expect((await req('GET', `${CAL}cond.ics`, undefined, { 'if-none-match': etag })).status).toBe(304)
    const head = await req('HEAD', `${CAL}cond.ics`)
    expect(head.status).toBe(200)
    expect(head.headers.get('etag')).toBe(etag)
    expect(head.headers.get('content-type')).toStartWith('text/calendar')
    expect(head.text).toBe('')
    expect((await req('DELETE', `${CAL}cond.ics`, undefined, { 'if-match': '"stale"' })).status).toBe(412)
    expect(
      (await req('PUT', `${CAL}cond.ics`, singleEvent('cond', 'Other'), { ...ICAL_TYPE, 'if-match': '"stale"' }))
        .status,
    ).toBe(412)
    expect((await req('GET', `${CAL}cond.ics`)).text).toBe(singleEvent('cond', 'Cond'))
    expect((await req('DELETE', `${CAL}cond.ics`, undefined, { 'if-match': etag })).status).toBe(204)
    expect((await req('DELETE', `${CAL}cond.ics`)).status).toBe(404)
    expect((await req('PUT', `${HOME}nope/x.ics`, singleEvent('x', 'x'), ICAL_TYPE)).status).toBe(409)
    expect((await req('PUT', CAL, singleEvent('x', 'x'), ICAL_TYPE)).status).toBe(405)
  })

  test('COPY and MOVE between calendars keep the bytes; Overwrite: F and component sets are honoured', async () => {
    await req('MKCALENDAR', `${HOME}archive/`)
    const body = singleEvent('mover', 'Move me')
    await req('PUT', `${CAL}mover.ics`, body, ICAL_TYPE)
    const copied = await req('COPY', `${CAL}mover.ics`, undefined, { destination: `${s.base}${HOME}archive/copy.ics` })
    expect(copied.status).toBe(201)
    expect((await req('GET', `${HOME}archive/copy.ics`)).text).toBe(body)
    // Same UID twice in one calendar is refused.
    const dup = await req('COPY', `${CAL}mover.ics`, undefined, { destination: `${CAL}dup.ics` })
    expect(dup.status).toBe(403)
    expect(dup.text).toContain('no-uid-conflict')
    const noOverwrite = await req('MOVE', `${CAL}mover.ics`, undefined, {
      destination: `${HOME}archive/copy.ics`,
      overwrite: 'F',
    })
    expect(noOverwrite.status).toBe(412)
    const toTasks = await req('MOVE', `${CAL}mover.ics`, undefined, { destination: `${HOME}tasks/mover.ics` })
    expect(toTasks.status).toBe(403)
    expect(toTasks.text).toContain('supported-calendar-component')
    const moved = await req('MOVE', `${CAL}mover.ics`, undefined, { destination: `${HOME}archive/copy.ics` })
    expect(moved.status).toBe(204)
    expect((await req('GET', `${CAL}mover.ics`)).status).toBe(404)
    expect((await req('GET', `${HOME}archive/copy.ics`)).text).toBe(body)
    const renamed = await req('MOVE', `${HOME}archive/copy.ics`, undefined, {
      destination: `${HOME}archive/renamed.ics`,
    })
    expect(renamed.status).toBe(201)
  })
})

describe('reports', () => {
  test('addressbook-query: prop-filter, text-match types, param-filter, allof, limit', async () => {
    const cards = [
      ['ada.vcf', vcard3('ada', 'Ada Lovelace', 'ada@analytical.test')],
      ['alan.vcf', vcard3('alan', 'Alan Turing', 'alan@bletchley.test')],
      ['grace.vcf', vcard4('grace', 'Grace Hopper', '+1-555-0199')],
    ]
    for (const [name, body] of cards) {
      expect((await req('PUT', `${BOOK}${name}`, body, { 'content-type': 'text/vcard' })).status).toBe(201)
    }
    const query = async (filter: string, extra = '') => {
      const reply = await req(
        'REPORT',
        BOOK,
        `<r:addressbook-query xmlns:d="DAV:" xmlns:r="urn:ietf:params:xml:ns:carddav"><d:prop><d:getetag/><r:address-data/></d:prop>${filter}${extra}</r:addressbook-query>`,
        { depth: '1' },
      )
      expect(reply.status).toBe(207)
      return [...reply.text.matchAll(/<d:href>[^<]*\/([^/<]+\.vcf)<\/d:href>/g)].map(m => m[1]).sort()
    }
    const F = (inner: string, test = 'anyof') => `<r:filter test="${test}">${inner}</r:filter>`
    expect(await query(F('<r:prop-filter name="FN"><r:text-match>a</r:text-match></r:prop-filter>'))).toEqual([
      'ada.vcf',
      'alan.vcf',
      'grace.vcf',
    ])
    expect(
      await query(
        F('<r:prop-filter name="FN"><r:text-match match-type="starts-with">al</r:text-match></r:prop-filter>'),
      ),
    ).toEqual(['alan.vcf'])
    expect(
      await query(
        F('<r:prop-filter name="EMAIL"><r:text-match match-type="ends-with">.TEST</r:text-match></r:prop-filter>'),
      ),
    ).toEqual(['ada.vcf', 'alan.vcf'])
    expect(
      await query(
        F(
          '<r:prop-filter name="FN"><r:text-match match-type="equals" collation="i;octet">ada lovelace</r:text-match></r:prop-filter>',
        ),
      ),
    ).toEqual([])
    expect(
      await query(
        F('<r:prop-filter name="FN"><r:text-match negate-condition="yes">Turing</r:text-match></r:prop-filter>'),
      ),
    ).toEqual(['ada.vcf', 'grace.vcf'])
    expect(await query(F('<r:prop-filter name="TEL"><r:is-not-defined/></r:prop-filter>'))).toEqual([
      'ada.vcf',
      'alan.vcf',
    ])
    expect(
      await query(
        F(
          '<r:prop-filter name="TEL"><r:param-filter name="TYPE"><r:text-match>cell</r:text-match></r:param-filter></r:prop-filter>',
        ),
      ),
    ).toEqual(['grace.vcf'])
    expect(
      await query(
        F(
          '<r:prop-filter name="FN"><r:text-match>a</r:text-match></r:prop-filter><r:prop-filter name="EMAIL"><r:text-match>bletchley</r:text-match></r:prop-filter>',
          'allof',
        ),
      ),
    ).toEqual(['alan.vcf'])
    const limited = await req(
      'REPORT',
      BOOK,
      '<r:addressbook-query xmlns:d="DAV:" xmlns:r="urn:ietf:params:xml:ns:carddav"><d:prop><d:getetag/></d:prop><r:filter/><r:limit><r:nresults>2</r:nresults></r:limit></r:addressbook-query>',
      { depth: '1' },
    )
    expect(limited.text.match(/\.vcf<\/d:href>/g)?.length).toBe(2)
    expect(limited.text).toContain('HTTP/1.1 507 Insufficient Storage')
  })

  test('multiget returns found objects with data and 404 for missing ones', async () => {
    const reply = await req(
      'REPORT',
      BOOK,
      `<r:addressbook-multiget xmlns:d="DAV:" xmlns:r="urn:ietf:params:xml:ns:carddav"><d:prop><d:getetag/><r:address-data/></d:prop><d:href>${BOOK}ada.vcf</d:href><d:href>${BOOK}nobody.vcf</d:href></r:addressbook-multiget>`,
      { depth: '1' },
    )
    expect(reply.status).toBe(207)
    expect(reply.text).toContain('FN:Ada Lovelace&#13;\n')
    expect(reply.text).toMatch(/nobody\.vcf<\/d:href><d:status>HTTP\/1.1 404 Not Found/)
  })

  test('sync-collection with a limit continues where it stopped', async () => {
    const tasks = `${HOME}tasks/`
    const todo = (uid: string) =>
      crlf([
        'BEGIN:VCALENDAR',
        'VERSION:2.0',
        'PRODID:-//t//EN',
        'BEGIN:VTODO',
        `UID:${uid}`,
        'END:VTODO',
        'END:VCALENDAR',
      ])
    const sync = async (token: string, limit?: number) => {
      const reply = await req(
        'REPORT',
        tasks,
        `<d:sync-collection xmlns:d="DAV:"><d:sync-token>${token}</d:sync-token><d:sync-level>1</d:sync-level>${limit ? `<d:limit><d:nresults>${limit}</d:nresults></d:limit>` : ''}<d:prop><d:getetag/></d:prop></d:sync-collection>`,
      )
      expect(reply.status).toBe(207)
      return {
        names: [...reply.text.matchAll(/tasks\/([^<]+\.ics)<\/d:href><d:(propstat|status)>(?:HTTP\/1.1 (\d+))?/g)].map(
          m => (m[3] ? `${m[1]}:${m[3]}` : (m[1] as string)),
        ),
        truncated: reply.text.includes('507'),
        token: /<d:sync-token>([^<]+)<\/d:sync-token>/.exec(reply.text)?.[1] ?? '',
      }
    }
    const start = await sync('')
    for (const uid of ['t1', 't2', 't3']) await req('PUT', `${tasks}${uid}.ics`, todo(uid), ICAL_TYPE)
    await req('DELETE', `${tasks}t1.ics`)
    const page1 = await sync(start.token, 1)
    expect(page1.names).toEqual(['t2.ics'])
    expect(page1.truncated).toBe(true)
    const page2 = await sync(page1.token)
    expect(page2.names.sort()).toEqual(['t1.ics:404', 't3.ics'])
    expect(page2.truncated).toBe(false)
    expect((await sync(page2.token)).names).toEqual([])
  })

  test('floating times are read in calendar-timezone', async () => {
    await req('MKCALENDAR', `${HOME}berlin/`)
    const tz = crlf(['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//t//EN', ...BERLIN_VTIMEZONE, 'END:VCALENDAR'])
    const patched = await req(
      'PROPPATCH',
      `${HOME}berlin/`,
      `<d:propertyupdate xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:set><d:prop><c:calendar-timezone>${tz.replace(/\r/g, '&#13;')}</c:calendar-timezone></d:prop></d:set></d:propertyupdate>`,
    )
    expect(patched.text).toContain('HTTP/1.1 200 OK')
    // 10:00 floating = 09:00 UTC in Berlin (winter).
    await req(
      'PUT',
      `${HOME}berlin/f.ics`,
      singleEvent('floating', 'Floating', '20250115T100000', '20250115T110000'),
      ICAL_TYPE,
    )
    const hit = async (start: string, end: string) => {
      const reply = await req(
        'REPORT',
        `${HOME}berlin/`,
        `<c:calendar-query xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:prop><d:getetag/></d:prop><c:filter><c:comp-filter name="VCALENDAR"><c:comp-filter name="VEVENT"><c:time-range start="${start}" end="${end}"/></c:comp-filter></c:comp-filter></c:filter></c:calendar-query>`,
        { depth: '1' },
      )
      return reply.text.includes('f.ics')
    }
    expect(await hit('20250115T090000Z', '20250115T093000Z')).toBe(true)
    expect(await hit('20250115T100000Z', '20250115T110000Z')).toBe(false)
  })

  test('quota: a PUT that would exceed the account quota is 507 quota-not-exceeded', async () => {
    await s.server.deps.storage.accounts.update(ANN.email, { quotaBytes: 4000 })
    const big = singleEvent('quota', 'q'.repeat(5000))
    const reply = await req('PUT', `${CAL}quota.ics`, big, ICAL_TYPE)
    expect(reply.status).toBe(507)
    expect(reply.text).toContain('<d:quota-not-exceeded/>')
    const props = await req(
      'PROPFIND',
      CAL,
      '<d:propfind xmlns:d="DAV:"><d:prop><d:quota-available-bytes/></d:prop></d:propfind>',
      { depth: '0' },
    )
    expect(props.text).toMatch(/<d:quota-available-bytes>\d+<\/d:quota-available-bytes>/)
    await s.server.deps.storage.accounts.update(ANN.email, { quotaBytes: null })
  })
})
