// bench/dav: CalDAV on a 5,000-event calendar. A server (startServer, in a child process so client
// and server do not share one event loop) gets one account; the client, over loopback HTTP with
// Basic auth (the credential cache makes that one Argon2id check), then measures:
//   PUT         5,000 events (10% weekly recurring with a VTIMEZONE), 8 requests in flight;
//   PROPFIND    Depth 1 on the calendar (getetag, getcontenttype), the median of 5 rounds;
//   sync        sync-collection after 100 changes by another client (50 edits, 25 deletes, 25 new);
//   query       calendar-query with a one-week time-range, calendar-data included, median of 5.
// Prints one result line. Usage: bun run bench/dav.ts [--events 5000]
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { readReadyLine, spawnServeChild } from './support/serve-child.ts'

const { values: args } = parseArgs({
  args: Bun.argv.slice(2),
  options: { events: { type: 'string', default: '5000' }, serve: { type: 'boolean', default: false } },
})
const EVENTS = Number(args.events)
const IN_FLIGHT = 8
const ROUNDS = 5
const TIME_LIMIT_MS = 180_000
const EMAIL = 'bench@bench.test'
const PASSWORD = 'bench password'
const CAL = `/dav/calendars/${EMAIL}/default/`

/** Child: start the server with one account, print the HTTP port, run until stdin closes. */
async function serve(): Promise<void> {
  const { loadConfig } = await import('../src/config/load.ts')
  const { silentLogger } = await import('../src/core/logger.ts')
  const { startServer } = await import('../src/core/server.ts')
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-dav-'))
  const ports = ['smtp.mx', 'smtp.submission', 'smtp.submissions', 'imap.plain', 'imap.tls', 'pop3.plain', 'pop3.tls']
  const set = [...ports.map(p => `${p}.port=0`), 'managesieve.port=0', 'http.port=0', 'http.tlsPort=0']
  const { config } = loadConfig({ flags: { set, 'data-dir': dir }, env: {}, cwd: dir, searchPaths: [] })
  const server = await startServer(config, silentLogger)
  try {
    await server.deps.storage.domains.add('bench.test')
    await server.deps.storage.accounts.create({ email: EMAIL, password: PASSWORD })
    process.stdout.write(`${JSON.stringify({ port: server.http.ports()[0] })}\n`)
    for await (const _ of Bun.stdin.stream()) {
      // The parent closes stdin when it is done.
    }
  } finally {
    await server.stop(1000)
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

const BERLIN = [
  'BEGIN:VTIMEZONE',
  'TZID:Europe/Berlin',
  'BEGIN:DAYLIGHT',
  'TZOFFSETFROM:+0100',
  'TZOFFSETTO:+0200',
  'DTSTART:19700329T020000',
  'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU',
  'END:DAYLIGHT',
  'BEGIN:STANDARD',
  'TZOFFSETFROM:+0200',
  'TZOFFSETTO:+0100',
  'DTSTART:19701025T030000',
  'RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU',
  'END:STANDARD',
  'END:VTIMEZONE',
]

const stamp = (ms: number) =>
  new Date(ms)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}Z$/, 'Z')

/** Event i: spread over two years from 2025-01-01, one hour long; every tenth recurs weekly 52 times. */
function event(i: number, version = 0): string {
  const start = Date.UTC(2025, 0, 1) + ((i * 7919) % (730 * 24)) * 3_600_000
  const recurring = i % 10 === 0
  const lines = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//mail-server bench//EN', ...(recurring ? BERLIN : [])]
  lines.push('BEGIN:VEVENT', `UID:bench-${i}`, 'DTSTAMP:20250101T000000Z', `SUMMARY:Event ${i} v${version}`)
  if (recurring) {
    const local = stamp(start).slice(0, 15)
    lines.push(`DTSTART;TZID=Europe/Berlin:${local}`, 'DURATION:PT1H', 'RRULE:FREQ=WEEKLY;COUNT=52')
  } else {
    lines.push(`DTSTART:${stamp(start)}`, `DTEND:${stamp(start + 3_600_000)}`)
  }
  lines.push(`DESCRIPTION:${'Agenda item. '.repeat(8)}`, 'END:VEVENT', 'END:VCALENDAR', '')
  return lines.join('\r\n')
}

async function client(): Promise<void> {
  const child = spawnServeChild(import.meta.path)
  const guard = setTimeout(() => {
    console.log('dav: timed out')
    child.kill()
    process.exit(1)
  }, TIME_LIMIT_MS)
  try {
    const { port } = await readReadyLine<{ port: number }>(child)
    console.log(await measure(`http://127.0.0.1:${port}`))
  } catch (e) {
    console.error(`dav bench failed: ${e instanceof Error ? e.message : String(e)}`)
    process.exitCode = 1
  } finally {
    clearTimeout(guard)
    child.stdin.end()
    await child.exited
  }
}

async function measure(base: string): Promise<string> {
  const auth = `Basic ${Buffer.from(`${EMAIL}:${PASSWORD}`).toString('base64')}`
  const request = async (method: string, url: string, body?: string, headers: Record<string, string> = {}) => {
    const response = await fetch(`${base}${url}`, { method, body, headers: { authorization: auth, ...headers } })
    const text = await response.text()
    if (response.status >= 300 && response.status !== 207)
      throw new Error(`${method} ${url}: ${response.status} ${text.slice(0, 200)}`)
    return text
  }
  const put = (i: number, version = 0) =>
    request('PUT', `${CAL}event-${i}.ics`, event(i, version), { 'content-type': 'text/calendar' })
  const timed = async (fn: () => Promise<unknown>): Promise<number> => {
    const t0 = performance.now()
    await fn()
    return performance.now() - t0
  }
  const median = async (fn: () => Promise<unknown>) => {
    const times: number[] = []
    for (let r = 0; r < ROUNDS; r++) times.push(await timed(fn))
    return times.sort((a, b) => a - b)[Math.floor(ROUNDS / 2)] ?? 0
  }

  await request('PROPFIND', CAL, '', { depth: '0' }) // creates the default calendar, warms the auth cache
  let next = 0
  const putSeconds =
    (await timed(() =>
      Promise.all(
        Array.from({ length: IN_FLIGHT }, async () => {
          while (next < EVENTS) await put(next++)
        }),
      ),
    )) / 1000

  const propfindBody = '<d:propfind xmlns:d="DAV:"><d:prop><d:getetag/><d:getcontenttype/></d:prop></d:propfind>'
  let listed = 0
  const propfindMs = await median(async () => {
    listed = ((await request('PROPFIND', CAL, propfindBody, { depth: '1' })).match(/<d:response>/g)?.length ?? 0) - 1
  })
  if (listed !== EVENTS) throw new Error(`PROPFIND listed ${listed} of ${EVENTS} events`)

  const syncBody = (token: string) =>
    `<d:sync-collection xmlns:d="DAV:"><d:sync-token>${token}</d:sync-token><d:sync-level>1</d:sync-level><d:prop><d:getetag/></d:prop></d:sync-collection>`
  const initial = await request('REPORT', CAL, syncBody(''))
  const token = /<d:sync-token>([^<]+)<\/d:sync-token>/.exec(initial)?.[1] ?? ''
  for (let i = 0; i < 50; i++) await put(i * 3 + 1, 1)
  for (let i = 0; i < 25; i++) await request('DELETE', `${CAL}event-${i * 3 + 2}.ics`)
  for (let i = 0; i < 25; i++) await put(EVENTS + i)
  let changed = 0
  const syncMs = await median(async () => {
    changed = (await request('REPORT', CAL, syncBody(token))).match(/<d:response>/g)?.length ?? 0
  })
  if (changed !== 100) throw new Error(`sync-collection reported ${changed} of 100 changes`)

  const week = (start: string, end: string) =>
    `<c:calendar-query xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:prop><d:getetag/><c:calendar-data/></d:prop><c:filter><c:comp-filter name="VCALENDAR"><c:comp-filter name="VEVENT"><c:time-range start="${start}" end="${end}"/></c:comp-filter></c:comp-filter></c:filter></c:calendar-query>`
  let matches = 0
  const queryMs = await median(async () => {
    const text = await request('REPORT', CAL, week('20250602T000000Z', '20250609T000000Z'), { depth: '1' })
    matches = text.match(/<d:response>/g)?.length ?? 0
  })
  if (matches === 0) throw new Error('calendar-query matched nothing')

  return (
    `dav: PUT ${Math.round(EVENTS / putSeconds)} events/s (${EVENTS}, ${IN_FLIGHT} in flight), ` +
    `PROPFIND depth 1 over ${EVENTS} events ${propfindMs.toFixed(0)} ms, ` +
    `sync-collection after 100 changes ${syncMs.toFixed(1)} ms, ` +
    `calendar-query 1-week time-range over ${EVENTS} events ${queryMs.toFixed(0)} ms (${matches} matches incl. recurring)`
  )
}

if (args.serve) await serve()
else await client()
