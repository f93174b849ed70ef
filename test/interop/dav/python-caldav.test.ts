// python3-caldav (Debian's 0.11) against the running server over real HTTP.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import path from 'node:path'
import { ANN, BOB, type DavTestServer, startDavTestServer } from './support/dav-test-server.ts'

const SCRIPT = path.join(import.meta.dir, 'support', 'python-caldav-run.py')

/** An interpreter that has the caldav module (Debian installs it for /usr/bin/python3). */
function findPython(): string | null {
  for (const candidate of ['/usr/bin/python3', Bun.which('python3')]) {
    if (!candidate) continue
    const probe = Bun.spawnSync([candidate, '-c', 'import caldav, requests'], { stdout: 'ignore', stderr: 'ignore' })
    if (probe.exitCode === 0) return candidate
  }
  return null
}

const python = findPython()
let s: DavTestServer

describe.skipIf(!python)('python3-caldav', () => {
  beforeAll(async () => {
    s = await startDavTestServer()
  }, 20_000)
  afterAll(async () => {
    await s?.stop()
  }, 20_000)

  test('discovery, calendars, events, todos, journals, search, sync and free-busy', async () => {
    const proc = Bun.spawn([python as string, SCRIPT, s.base, ANN.email, ANN.password, BOB.email, BOB.password], {
      stdout: 'pipe',
      stderr: 'pipe',
    })
    const [stdout, stderr, code] = await Promise.all([
      new Response(proc.stdout).text(),
      new Response(proc.stderr).text(),
      proc.exited,
    ])
    if (code !== 0) throw new Error(`python-caldav script failed (${code}):\n${stderr}`)
    const out = JSON.parse(stdout) as Record<string, unknown>
    expect(out.principal).toBe(`${s.base}/dav/principals/ann@dav.test/`)
    expect(out.calendars).toEqual(['Calendar', 'Tasks'])
    // python-caldav percent-encodes "@" when it builds URLs; the server accepts both spellings.
    expect(decodeURIComponent(String(out.work_url))).toBe(`${s.base}/dav/calendars/ann@dav.test/work/`)
    expect(out.work_listed).toBe(true)
    expect(out.events).toEqual(['py-review', 'py-standup'])
    expect(out.todos).toEqual(['py-todo'])
    expect(out.journals).toEqual(['py-journal'])
    expect(out.weekend).toEqual([])
    expect(out.monday).toEqual(['py-standup'])
    expect(out.later).toEqual(['py-review'])
    expect(out.after_update).toBe('Review (moved)')
    expect(out.initial_sync_count).toBe(4)
    expect(out.other_put).toBe(201)
    // The standup was deleted and extra.ics added by another client since the token.
    expect((out.changed as string[]).length).toBe(2)
    expect(out.changed as string[]).toContain('extra.ics')
    expect(out.token_changed).toBe(true)
    expect(out.freebusy).toEqual([['BUSY', '2025-03-20T14:00:00+00:00', '2025-03-20T15:00:00+00:00']])
    expect(out.intruder).toBe('AuthorizationError')
  }, 20_000)
})
