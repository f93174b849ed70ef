// tsdav (npm) against the running server over real HTTP: discovery from the bare server URL
// (/.well-known redirect, current-user-principal, home sets), events and contacts created, updated
// and deleted, time-range queries on a recurring event with a VTIMEZONE and an exception, sync
// after another client's changes, and an ETag conflict that overwrites nothing.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { DAVClient } from 'tsdav'
import { ANN, basicAuth, type DavTestServer, startDavTestServer } from './support/dav-test-server.ts'
import { singleEvent, vcard3, vcard4, weeklyBerlinEvent } from './support/fixtures.ts'

let s: DavTestServer

beforeAll(async () => {
  s = await startDavTestServer()
}, 20_000)
afterAll(async () => {
  await s.stop()
}, 20_000)

async function caldavClient(): Promise<DAVClient> {
  const client = new DAVClient({
    serverUrl: `${s.base}/`,
    credentials: { username: ANN.email, password: ANN.password },
    authMethod: 'Basic',
    defaultAccountType: 'caldav',
  })
  await client.login()
  return client
}

describe('tsdav CalDAV', () => {
  test('discovers principal and calendar home from the bare server URL', async () => {
    const client = await caldavClient()
    expect(client.account?.principalUrl).toBe(`${s.base}/dav/principals/ann@dav.test/`)
    expect(client.account?.homeUrl).toBe(`${s.base}/dav/calendars/ann@dav.test/`)
    const calendars = await client.fetchCalendars()
    const names = calendars.map(c => c.displayName).sort()
    expect(names).toEqual(['Calendar', 'Tasks'])
    const calendar = calendars.find(c => c.displayName === 'Calendar')
    expect(calendar?.components).toEqual(['VEVENT'])
    expect(calendar?.reports).toContain('syncCollection')
  })

  test('creates, updates and deletes an event; a stale ETag gets 412 and overwrites nothing', async () => {
    const client = await caldavClient()
    const calendar = (await client.fetchCalendars()).find(c => c.displayName === 'Calendar')
    if (!calendar) throw new Error('no default calendar')
    const created = await client.createCalendarObject({
      calendar,
      filename: 'lunch.ics',
      iCalString: singleEvent('lunch-1', 'Lunch'),
    })
    expect(created.status).toBe(201)
    const firstEtag = created.headers.get('etag') ?? ''
    expect(firstEtag).toMatch(/^"[0-9a-f]+"$/)

    const [fetched] = await client.fetchCalendarObjects({ calendar, objectUrls: [`${calendar.url}lunch.ics`] })
    // tsdav trims element text, so the final CRLF is gone; GET below compares every byte.
    expect(fetched?.data).toBe(singleEvent('lunch-1', 'Lunch').trimEnd())
    const got = await fetch(`${calendar.url}lunch.ics`, { headers: { authorization: basicAuth(ANN) } })
    expect(await got.text()).toBe(singleEvent('lunch-1', 'Lunch'))
    expect(fetched?.etag).toBe(firstEtag)

    const updated = await client.updateCalendarObject({
      calendarObject: { url: `${calendar.url}lunch.ics`, etag: firstEtag, data: singleEvent('lunch-1', 'Long lunch') },
    })
    expect(updated.status).toBe(204)

    // Another client still holds the first ETag: its update must fail and change nothing.
    const stale = await client.updateCalendarObject({
      calendarObject: { url: `${calendar.url}lunch.ics`, etag: firstEtag, data: singleEvent('lunch-1', 'Overwritten') },
    })
    expect(stale.status).toBe(412)
    const body = await (await fetch(`${calendar.url}lunch.ics`, { headers: { authorization: basicAuth(ANN) } })).text()
    expect(body).toContain('SUMMARY:Long lunch')

    const [current] = await client.fetchCalendarObjects({ calendar, objectUrls: [`${calendar.url}lunch.ics`] })
    const deleted = await client.deleteCalendarObject({
      calendarObject: { url: `${calendar.url}lunch.ics`, etag: current?.etag ?? '' },
    })
    expect(deleted.status).toBe(204)
    expect((await client.fetchCalendarObjects({ calendar })).map(o => o.url)).not.toContain(`${calendar.url}lunch.ics`)
  })

  test('time-range queries expand a recurring event with VTIMEZONE, EXDATE and a moved instance', async () => {
    const client = await caldavClient()
    const calendar = (await client.fetchCalendars()).find(c => c.displayName === 'Calendar')
    if (!calendar) throw new Error('no default calendar')
    await client.createCalendarObject({ calendar, filename: 'weekly.ics', iCalString: weeklyBerlinEvent('weekly-1') })
    await client.createCalendarObject({
      calendar,
      filename: 'other.ics',
      iCalString: singleEvent('other-1', 'Elsewhere', '20250601T100000Z', '20250601T110000Z'),
    })
    const names = async (start: string, end: string) =>
      (await client.fetchCalendarObjects({ calendar, timeRange: { start, end } }))
        .map(o => o.url.split('/').at(-1))
        .sort()

    // 2025-03-15 is excluded: a range covering only that Saturday finds nothing.
    expect(await names('2025-03-15T00:00:00Z', '2025-03-16T00:00:00Z')).toEqual([])
    // The 2025-03-22 instance moved from 09:00 UTC to 14:00 UTC.
    expect(await names('2025-03-22T08:00:00Z', '2025-03-22T10:00:00Z')).toEqual([])
    expect(await names('2025-03-22T13:30:00Z', '2025-03-22T14:30:00Z')).toEqual(['weekly.ics'])
    // After the DST change 10:00 Berlin is 08:00 UTC: 08:00-09:00 overlaps, 09:00-10:00 does not.
    expect(await names('2025-04-05T08:00:00Z', '2025-04-05T09:00:00Z')).toEqual(['weekly.ics'])
    expect(await names('2025-04-05T09:00:00Z', '2025-04-05T10:00:00Z')).toEqual([])
    // Past the eighth instance (2025-04-19) the series is over.
    expect(await names('2025-04-25T00:00:00Z', '2025-05-30T00:00:00Z')).toEqual([])
    expect(await names('2025-05-30T00:00:00Z', '2025-06-30T00:00:00Z')).toEqual(['other.ics'])

    const expanded = await client.fetchCalendarObjects({
      calendar,
      timeRange: { start: '2025-03-20T00:00:00Z', end: '2025-04-06T00:00:00Z' },
      expand: true,
    })
    const data = String(expanded[0]?.data ?? '')
    expect(data.match(/BEGIN:VEVENT/g)?.length).toBe(3)
    expect(data).toContain('RECURRENCE-ID:20250322T090000Z')
    expect(data).toContain('DTSTART:20250322T140000Z')
    expect(data).toContain('DTSTART:20250405T080000Z')
    expect(data).not.toContain('RRULE')
  })

  test('sync-collection reports another client’s changes incrementally', async () => {
    const client = await caldavClient()
    const calendar = (await client.fetchCalendars()).find(c => c.displayName === 'Tasks')
    if (!calendar) throw new Error('no task list')
    const task = (uid: string, summary: string) =>
      `BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VTODO\r\nUID:${uid}\r\nDTSTAMP:20250101T000000Z\r\nSUMMARY:${summary}\r\nEND:VTODO\r\nEND:VCALENDAR\r\n`
    await client.createCalendarObject({ calendar, filename: 'a.ics', iCalString: task('a', 'A') })
    await client.createCalendarObject({ calendar, filename: 'b.ics', iCalString: task('b', 'B') })
    const objectMultiGet = client.calendarMultiGet.bind(client)
    const first = await client.smartCollectionSync({
      collection: { ...calendar, objects: [], syncToken: undefined, objectMultiGet },
      method: 'webdav',
      detailedResult: true,
    })
    expect(first.objects.created.map(o => o.url.split('/').at(-1)).sort()).toEqual(['a.ics', 'b.ics'])

    // Another client (plain fetch) edits a, deletes b, adds c.
    const other = { authorization: basicAuth(ANN), 'content-type': 'text/calendar' }
    await fetch(`${calendar.url}a.ics`, { method: 'PUT', headers: other, body: task('a', 'A edited') })
    await fetch(`${calendar.url}b.ics`, { method: 'DELETE', headers: other })
    await fetch(`${calendar.url}c.ics`, { method: 'PUT', headers: other, body: task('c', 'C') })

    const local = first.objects.created
    const second = await client.smartCollectionSync({
      collection: { ...calendar, objects: local, syncToken: first.syncToken, objectMultiGet },
      method: 'webdav',
      detailedResult: true,
    })
    expect(second.objects.created.map(o => o.url.split('/').at(-1))).toEqual(['c.ics'])
    expect(second.objects.updated.map(o => o.url.split('/').at(-1))).toEqual(['a.ics'])
    expect(String(second.objects.updated[0]?.data)).toContain('SUMMARY:A edited')
    expect(second.objects.deleted.map(o => o.url.split('/').at(-1))).toEqual(['b.ics'])
    expect(second.syncToken).not.toBe(first.syncToken)
  })
})

describe('tsdav CardDAV', () => {
  test('discovers the address book and manages vCard 3.0 and 4.0 contacts', async () => {
    const client = new DAVClient({
      serverUrl: `${s.base}/`,
      credentials: { username: ANN.email, password: ANN.password },
      authMethod: 'Basic',
      defaultAccountType: 'carddav',
    })
    await client.login()
    expect(client.account?.homeUrl).toBe(`${s.base}/dav/addressbooks/ann@dav.test/`)
    const [book] = await client.fetchAddressBooks()
    if (!book) throw new Error('no address book')
    expect(book.displayName).toBe('Contacts')

    const c1 = await client.createVCard({
      addressBook: book,
      filename: 'carol.vcf',
      vCardString: vcard3('c1', 'Carol Smith', 'carol@example.test'),
    })
    const c2 = await client.createVCard({
      addressBook: book,
      filename: 'dave.vcf',
      vCardString: vcard4('c2', 'Dave Jones', '+1-555-0100'),
    })
    expect([c1.status, c2.status]).toEqual([201, 201])

    const cards = await client.fetchVCards({ addressBook: book })
    expect(cards.map(c => c.url.split('/').at(-1)).sort()).toEqual(['carol.vcf', 'dave.vcf'])
    expect(cards.find(c => c.url.endsWith('carol.vcf'))?.data).toBe(
      vcard3('c1', 'Carol Smith', 'carol@example.test').trimEnd(),
    )

    const carol = cards.find(c => c.url.endsWith('carol.vcf'))
    const updated = await client.updateVCard({
      vCard: { url: carol?.url ?? '', etag: carol?.etag, data: vcard3('c1', 'Carol Brown', 'carol@example.test') },
    })
    expect(updated.status).toBe(204)
    const removed = await client.deleteVCard({ vCard: { url: cards.find(c => c.url.endsWith('dave.vcf'))?.url ?? '' } })
    expect(removed.status).toBe(204)
    const left = await client.fetchVCards({ addressBook: book })
    expect(left.map(c => String(c.data).match(/FN:(.*)\r\n/)?.[1])).toEqual(['Carol Brown'])
  })
})
