// `mail-server serve` through the compiled binary (issue 3 acceptance): starts on a temp data dir
// with OS-chosen ports, accepts CLI changes while running, reports ready, reloads on SIGHUP and
// exits cleanly on SIGTERM.
import { afterAll, beforeAll, expect, test } from 'bun:test'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { compiledBinary, freePortFlags, runBinary } from '../support/binary.ts'

let bin: string
let work: string
let dataDir: string

beforeAll(async () => {
  bin = await compiledBinary()
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'mail-serve-'))
  dataDir = path.join(work, 'data')
}, 180_000)
afterAll(() => fs.rmSync(work, { recursive: true, force: true }))

interface RuntimeState {
  pid: number
  http: { address: string; port: number }[]
}

async function waitForState(file: string, proc: { exitCode: number | null }): Promise<RuntimeState> {
  for (let i = 0; i < 300; i++) {
    if (proc.exitCode !== null) throw new Error(`serve exited early with ${proc.exitCode}`)
    if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, 'utf8'))
    await Bun.sleep(50)
  }
  throw new Error('serve did not write its runtime state')
}

test('serve starts, is ready, takes CLI changes while running, reloads, and stops on SIGTERM', async () => {
  const proc = Bun.spawn([bin, 'serve', '--data-dir', dataDir, ...freePortFlags], {
    cwd: work,
    stdout: 'pipe',
    stderr: 'pipe',
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
  })
  const stderr = new Response(proc.stderr).text()
  const state = await waitForState(path.join(dataDir, 'run/server.json'), proc)
  expect(state.pid).toBe(proc.pid)
  const base = `http://127.0.0.1:${state.http[0]?.port}`

  const health = await fetch(`${base}/healthz`)
  expect(health.status).toBe(200)
  expect(((await health.json()) as { status: string }).status).toBe('ok')

  // The CLI works against the running server's data dir (SQLite locking keeps both safe).
  const added = await runBinary(bin, ['user', 'add', 'dave@example.org', '--password-stdin', '--data-dir', dataDir], {
    cwd: work,
    stdin: 'pw-dave-123\n',
  })
  expect(added.stderr).toBe('')
  expect(added.code).toBe(0)

  const ready = await fetch(`${base}/readyz`)
  const body = (await ready.json()) as { checks: Record<string, { ok: boolean }> }
  expect(ready.status).toBe(200)
  expect(body.checks.database?.ok).toBe(true)
  expect(body.checks.disk?.ok).toBe(true)
  expect(body.checks.listeners?.ok).toBe(true)

  // A self-signed certificate was generated for the dev profile.
  expect(fs.existsSync(path.join(dataDir, 'tls'))).toBe(true)

  proc.kill('SIGHUP')
  await Bun.sleep(200)
  expect((await fetch(`${base}/healthz`)).status).toBe(200)

  proc.kill('SIGTERM')
  expect(await proc.exited).toBe(0)
  expect(fs.existsSync(path.join(dataDir, 'run/server.json'))).toBe(false)

  // Logs are JSON lines when stderr is not a terminal, and say why the process stopped.
  const lines = (await stderr).trim().split('\n').filter(Boolean)
  const parsed = lines.map(l => JSON.parse(l))
  expect(parsed.some(l => l.msg === 'stopped' && l.signal === 'SIGTERM')).toBe(true)
  expect(parsed.some(l => l.msg === 'reloaded')).toBe(true)
})

test('a second serve on the same ports fails with a clear message and exit 1', async () => {
  const blocker = Bun.serve({ hostname: '127.0.0.1', port: 0, fetch: () => new Response('busy') })
  const r = await runBinary(
    bin,
    ['serve', '--data-dir', dataDir, ...freePortFlags, '--set', `http.port=${blocker.port}`],
    {
      cwd: work,
    },
  )
  blocker.stop(true)
  expect(r.code).toBe(1)
  expect(r.stderr).toContain(String(blocker.port))
})

test('an invalid config stops serve before anything starts (exit 2, key named)', async () => {
  const r = await runBinary(
    bin,
    ['serve', '--data-dir', path.join(work, 'never'), '--set', 'limits.maxLineLength=10'],
    {
      cwd: work,
    },
  )
  expect(r.code).toBe(2)
  expect(r.stderr).toContain('limits.maxLineLength')
  expect(fs.existsSync(path.join(work, 'never'))).toBe(false)
})
