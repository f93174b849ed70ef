// Account isolation over real HTTP: Bob, logged in with his own password, can neither read, list nor
// change anything of Ann's by URL — every path into Ann's principal, homes, collections and objects
// is refused with 403 (the same for accounts that do not exist, so URLs reveal nothing), multiget
// hrefs pointing at Ann's data come back 404, and Ann's data is unchanged afterwards.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import {
  ANN,
  BOB,
  type DavTestServer,
  davRequest,
  PROPFIND_ETAG,
  startDavTestServer,
} from './support/dav-test-server.ts'
import { singleEvent, vcard3 } from './support/fixtures.ts'

let s: DavTestServer
const ANN_CAL = '/dav/calendars/ann@dav.test/default/'
const ANN_BOOK = '/dav/addressbooks/ann@dav.test/default/'
const ICS = singleEvent('ann-secret', 'Secret meeting')

beforeAll(async () => {
  s = await startDavTestServer()
  const put = await davRequest(s.base, ANN, 'PUT', `${ANN_CAL}secret.ics`, ICS, { 'content-type': 'text/calendar' })
  expect(put.status).toBe(201)
  const card = await davRequest(s.base, ANN, 'PUT', `${ANN_BOOK}c.vcf`, vcard3('c', 'Carl C', 'c@x.test'), {
    'content-type': 'text/vcard',
  })
  expect(card.status).toBe(201)
}, 20_000)
afterAll(async () => {
  await s.stop()
}, 20_000)

describe('another account', () => {
  test.each([
    ['PROPFIND', '/dav/principals/ann@dav.test/', PROPFIND_ETAG, { depth: '0' }],
    ['PROPFIND', '/dav/calendars/ann@dav.test/', PROPFIND_ETAG, { depth: '1' }],
    ['PROPFIND', ANN_CAL, PROPFIND_ETAG, { depth: '1' }],
    ['PROPFIND', '/dav/calendars/ann%40dav.test/default/', PROPFIND_ETAG, { depth: '1' }],
    ['PROPFIND', '/dav/calendars/ANN@DAV.TEST/default/', PROPFIND_ETAG, { depth: '1' }],
    ['PROPFIND', ANN_BOOK, PROPFIND_ETAG, { depth: '1' }],
    ['GET', `${ANN_CAL}secret.ics`, undefined, {}],
    ['HEAD', `${ANN_CAL}secret.ics`, undefined, {}],
    ['PUT', `${ANN_CAL}secret.ics`, singleEvent('ann-secret', 'Hijacked'), { 'content-type': 'text/calendar' }],
    ['PUT', `${ANN_CAL}new.ics`, singleEvent('bob-new', 'Planted'), { 'content-type': 'text/calendar' }],
    ['DELETE', `${ANN_CAL}secret.ics`, undefined, {}],
    ['DELETE', ANN_CAL, undefined, {}],
    ['MKCALENDAR', '/dav/calendars/ann@dav.test/planted/', undefined, {}],
    [
      'PROPPATCH',
      ANN_CAL,
      '<d:propertyupdate xmlns:d="DAV:"><d:set><d:prop><d:displayname>x</d:displayname></d:prop></d:set></d:propertyupdate>',
      {},
    ],
    [
      'REPORT',
      ANN_CAL,
      '<d:sync-collection xmlns:d="DAV:"><d:sync-token/><d:sync-level>1</d:sync-level><d:prop><d:getetag/></d:prop></d:sync-collection>',
      {},
    ],
    ['COPY', `${ANN_CAL}secret.ics`, undefined, { destination: '/dav/calendars/bob@dav.test/default/stolen.ics' }],
    ['MOVE', `${ANN_CAL}secret.ics`, undefined, { destination: '/dav/calendars/bob@dav.test/default/stolen.ics' }],
    ['PROPFIND', '/dav/calendars/nobody@dav.test/', PROPFIND_ETAG, { depth: '1' }],
  ] as const)('%s %s is 403', async (method, path, body, headers) => {
    const reply = await davRequest(s.base, BOB, method, path, body, headers)
    expect(reply.status).toBe(403)
    expect(reply.text).not.toContain('Secret meeting')
    expect(reply.text).not.toContain('secret.ics')
  })

  test('cannot copy or move its own object into the other account', async () => {
    const own = await davRequest(
      s.base,
      BOB,
      'PUT',
      '/dav/calendars/bob@dav.test/default/b.ics',
      singleEvent('b', 'Bob'),
      {
        'content-type': 'text/calendar',
      },
    )
    expect(own.status).toBe(201)
    for (const method of ['COPY', 'MOVE']) {
      const reply = await davRequest(s.base, BOB, method, '/dav/calendars/bob@dav.test/default/b.ics', undefined, {
        destination: `${s.base}${ANN_CAL}b.ics`,
      })
      expect(reply.status).toBe(403)
    }
  })

  test('multiget hrefs into the other account are 404', async () => {
    const reply = await davRequest(
      s.base,
      BOB,
      'REPORT',
      '/dav/calendars/bob@dav.test/default/',
      `<c:calendar-multiget xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:prop><d:getetag/><c:calendar-data/></d:prop><d:href>${ANN_CAL}secret.ics</d:href></c:calendar-multiget>`,
      { depth: '1' },
    )
    expect(reply.status).toBe(207)
    expect(reply.text).toContain('HTTP/1.1 404 Not Found')
    expect(reply.text).not.toContain('Secret meeting')
  })

  test('listing its own home shows only its own collections', async () => {
    const reply = await davRequest(s.base, BOB, 'PROPFIND', '/dav/calendars/bob@dav.test/', PROPFIND_ETAG, {
      depth: '1',
    })
    expect(reply.status).toBe(207)
    expect(reply.text).not.toContain('ann@dav.test')
    expect(reply.text.match(/<d:href>/g)?.length).toBe(3) // the home, default, tasks
  })

  test("the owner's data is unchanged", async () => {
    const got = await davRequest(s.base, ANN, 'GET', `${ANN_CAL}secret.ics`)
    expect(got.text).toBe(ICS)
    const listing = await davRequest(s.base, ANN, 'PROPFIND', ANN_CAL, PROPFIND_ETAG, { depth: '1' })
    expect(listing.text.match(/\.ics<\/d:href>/g)?.length).toBe(1)
    const home = await davRequest(s.base, ANN, 'PROPFIND', '/dav/calendars/ann@dav.test/', PROPFIND_ETAG, {
      depth: '1',
    })
    expect(home.text).not.toContain('planted')
  })
})

describe('authentication', () => {
  test('no credentials: 401 with a Basic challenge; wrong password: 401', async () => {
    const none = await davRequest(s.base, null, 'PROPFIND', ANN_CAL, PROPFIND_ETAG, { depth: '0' })
    expect(none.status).toBe(401)
    expect(none.headers.get('www-authenticate')).toStartWith('Basic realm=')
    const wrong = await davRequest(s.base, { email: ANN.email, password: 'nope' }, 'GET', `${ANN_CAL}secret.ics`)
    expect(wrong.status).toBe(401)
    expect(wrong.text).not.toContain('Secret meeting')
  })

  test('OPTIONS and the well-known redirects need no credentials', async () => {
    const options = await davRequest(s.base, null, 'OPTIONS', '/dav/')
    expect(options.status).toBe(200)
    expect(options.headers.get('dav')).toContain('calendar-access')
    expect(options.headers.get('dav')).toContain('addressbook')
    for (const service of ['caldav', 'carddav']) {
      const reply = await davRequest(s.base, null, 'GET', `/.well-known/${service}`)
      expect(reply.status).toBe(301)
      expect(reply.headers.get('location')).toBe('/dav/')
    }
  })
})
