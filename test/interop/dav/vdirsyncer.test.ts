// vdirsyncer (Debian) between the server and a local vdir, for calendars and contacts: discovery from
// the bare server URL, a first sync down, then changes on both sides (another client edits on the
// server, vdirsyncer uploads a local file) resolved by the next sync, which uses sync tokens.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { ANN, basicAuth, type DavTestServer, startDavTestServer } from './support/dav-test-server.ts'
import { singleEvent, vcard3 } from './support/fixtures.ts'

const vdirsyncer = Bun.which('vdirsyncer')
let s: DavTestServer
let work: string

function configFor(base: string): string {
  const storage = (name: string, type: string, fileext: string) => `
[storage ${name}_remote]
type = "${type}"
url = "${base}/"
username = "${ANN.email}"
password = "${ANN.password}"

[storage ${name}_local]
type = "filesystem"
path = "${path.join(work, name)}/"
fileext = "${fileext}"

[pair ${name}]
a = "${name}_remote"
b = "${name}_local"
collections = ["from a"]
conflict_resolution = "a wins"
`
  return `[general]\nstatus_path = "${path.join(work, 'status')}/"\n${storage('cal', 'caldav', '.ics')}${storage('card', 'carddav', '.vcf')}`
}

async function run(...args: string[]): Promise<string> {
  const proc = Bun.spawn([vdirsyncer as string, '-c', path.join(work, 'config'), ...args], {
    stdin: new TextEncoder().encode('y\ny\ny\ny\ny\ny\n'),
    stdout: 'pipe',
    stderr: 'pipe',
    env: { ...process.env, LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8' },
  })
  const [out, err, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ])
  if (code !== 0) throw new Error(`vdirsyncer ${args.join(' ')} failed (${code}):\n${out}\n${err}`)
  return `${out}${err}`
}

const files = (dir: string) => (fs.existsSync(dir) ? fs.readdirSync(dir).sort() : [])

describe.skipIf(!vdirsyncer)('vdirsyncer', () => {
  beforeAll(async () => {
    s = await startDavTestServer()
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'vdirsyncer-'))
    fs.writeFileSync(path.join(work, 'config'), configFor(s.base))
  }, 20_000)
  afterAll(async () => {
    await s?.stop()
    if (work) fs.rmSync(work, { recursive: true, force: true })
  }, 20_000)

  test('discovers, syncs down, and merges changes from both sides', async () => {
    const auth = { authorization: basicAuth(ANN) }
    const calendar = `${s.base}/dav/calendars/ann@dav.test/default/`
    const book = `${s.base}/dav/addressbooks/ann@dav.test/default/`
    await fetch(`${calendar}one.ics`, {
      method: 'PUT',
      headers: { ...auth, 'content-type': 'text/calendar' },
      body: singleEvent('vd-one', 'One'),
    })
    await fetch(`${book}erin.vcf`, {
      method: 'PUT',
      headers: { ...auth, 'content-type': 'text/vcard' },
      body: vcard3('vd-erin', 'Erin Example', 'erin@example.test'),
    })

    await run('discover')
    await run('sync')
    expect(files(path.join(work, 'cal'))).toEqual(['default', 'tasks'])
    const localCal = path.join(work, 'cal', 'default')
    const localBook = path.join(work, 'card', 'default')
    // vdirsyncer names local files after the UID.
    expect(files(localCal)).toEqual(['vd-one.ics'])
    expect(fs.readFileSync(path.join(localCal, 'vd-one.ics'), 'utf8')).toContain('SUMMARY:One')
    expect(files(localBook)).toEqual(['vd-erin.vcf'])

    // Another client edits on the server; vdirsyncer gets a new local event and contact.
    await fetch(`${calendar}one.ics`, {
      method: 'PUT',
      headers: { ...auth, 'content-type': 'text/calendar' },
      body: singleEvent('vd-one', 'One, edited'),
    })
    fs.writeFileSync(path.join(localCal, 'local.ics'), singleEvent('vd-local', 'Made locally'))
    fs.writeFileSync(path.join(localBook, 'frank.vcf'), vcard3('vd-frank', 'Frank Local', 'frank@example.test'))
    await run('sync')

    expect(fs.readFileSync(path.join(localCal, 'vd-one.ics'), 'utf8')).toContain('SUMMARY:One, edited')
    const listing = await fetch(calendar, {
      method: 'PROPFIND',
      headers: { ...auth, depth: '1' },
      body: '<d:propfind xmlns:d="DAV:"><d:prop><d:getetag/></d:prop></d:propfind>',
    })
    const xml = await listing.text()
    const href = /<d:href>([^<]*vd-local[^<]*)<\/d:href>/.exec(xml)?.[1]
    expect(href).toBeDefined()
    const uploaded = await fetch(`${s.base}${href}`, { headers: auth })
    expect(await uploaded.text()).toBe(singleEvent('vd-local', 'Made locally'))
    const cards = await fetch(book, {
      method: 'PROPFIND',
      headers: { ...auth, depth: '1' },
      body: '<d:propfind xmlns:d="DAV:"><d:prop><d:getetag/></d:prop></d:propfind>',
    })
    expect(await cards.text()).toContain('vd-frank')

    // A deletion on the server reaches the local side.
    await fetch(`${calendar}one.ics`, { method: 'DELETE', headers: auth })
    await run('sync')
    expect(files(localCal)).toEqual(['local.ics'])
  }, 30_000)
})
