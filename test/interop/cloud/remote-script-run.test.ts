// The generated deploy script itself, run with sh in a sandbox that stands in for the instance:
// a real background "service" managed by a fake systemctl, real curl fetching the release from a
// loopback server, real sha256sum. Every failure mode must leave a working service behind.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'bun:test'
import fs from 'node:fs'
import { parseRemoteResult, type RemoteAction, renderRemoteScript } from '../../../src/cloud/remote-script.ts'
import { createSandbox, type ReleaseKind, type Sandbox } from './deploy-sandbox.ts'

let files: Map<string, Uint8Array>
let server: ReturnType<typeof Bun.serve>
let sandbox: Sandbox

beforeAll(() => {
  files = new Map()
  server = Bun.serve({
    hostname: '127.0.0.1',
    port: 0,
    fetch(req) {
      const body = files.get(new URL(req.url).pathname)
      return body ? new Response(body) : new Response('no such release', { status: 404 })
    },
  })
})
afterAll(() => server.stop(true))
beforeEach(async () => {
  sandbox = await createSandbox()
})
afterEach(() => sandbox.cleanup())

/** Serves a fake release and returns the deploy action for it. */
function publish(kind: ReleaseKind, version: string, corrupt = false): Extract<RemoteAction, { kind: 'deploy' }> {
  const bytes = fs.readFileSync(sandbox.release(kind, version))
  const sha256 = new Bun.CryptoHasher('sha256').update(bytes).digest('hex')
  const name = `/release/${version}-${kind}`
  files.set(name, corrupt ? new Uint8Array([...bytes, 10]) : bytes)
  return { kind: 'deploy', url: `http://127.0.0.1:${server.port}${name}`, sha256, release: version }
}

async function run(action: RemoteAction) {
  const r = await sandbox.runScript(renderRemoteScript(sandbox.layout, action))
  return { ...r, result: parseRemoteResult(r.stdout) }
}

const installed = () => fs.readFileSync(sandbox.binaryPath, 'utf8')

describe('deploy', () => {
  test('a healthy release is swapped in, the old one kept as .bak', async () => {
    await sandbox.installCurrent('good', '1.0.0')
    const r = await run(publish('good', '2.0.0'))
    expect(r.result).toBe('deployed')
    expect(r.code).toBe(0)
    expect(installed()).toContain('fake mail-server 2.0.0 (good)')
    expect(fs.readFileSync(`${sandbox.binaryPath}.bak`, 'utf8')).toContain('fake mail-server 1.0.0')
    expect(fs.existsSync(`${sandbox.binaryPath}.new`)).toBe(false)
    expect(await sandbox.healthz()).toEqual({ status: 200, version: '2.0.0' })
    expect(sandbox.systemctlLog()).toContain('stop mail')
    expect(r.stdout).toContain('backed up the current binary')
    // The history lands in the deploy log too.
    expect(fs.readFileSync(sandbox.layout.logFile, 'utf8')).toContain('result: deployed')
  })

  test.each<[ReleaseKind, string]>([
    ['bad-health', '/healthz answers 503'],
    ['crash', 'the process exits at once'],
  ])('an unhealthy release (%s: %s) is rolled back and the old binary runs again', async kind => {
    await sandbox.installCurrent('good', '1.0.0')
    const r = await run(publish(kind, '2.0.0'))
    expect(r.result).toBe('rolled-back')
    expect(r.code).toBe(1)
    expect(installed()).toContain('fake mail-server 1.0.0 (good)')
    expect(fs.readFileSync(`${sandbox.binaryPath}.failed`, 'utf8')).toContain(`fake mail-server 2.0.0 (${kind})`)
    expect(await sandbox.healthz()).toEqual({ status: 200, version: '1.0.0' })
    expect(r.stdout).toContain('last log lines of mail')
    expect(r.stdout).toContain('-- fake journal of mail --')
  })

  test.each<[string, () => RemoteAction, string]>([
    ['a corrupted download', () => publish('good', '2.0.0', true), 'checksum-mismatch'],
    ['a binary that does not run here', () => publish('not-runnable', '2.0.0'), 'not-runnable'],
    [
      'a missing release',
      () => ({
        kind: 'deploy',
        url: `http://127.0.0.1:${server.port}/release/none`,
        sha256: '0'.repeat(64),
        release: 'x',
      }),
      'download-failed',
    ],
  ])('%s is refused before the service is touched', async (_name, action, result) => {
    await sandbox.installCurrent('good', '1.0.0')
    const before = sandbox.systemctlLog().length
    const r = await run(action())
    expect(r.result).toBe(result as never)
    expect(r.code).toBe(1)
    expect(
      sandbox
        .systemctlLog()
        .slice(before)
        .filter(l => l.startsWith('stop')),
    ).toEqual([])
    expect(installed()).toContain('fake mail-server 1.0.0')
    expect(fs.existsSync(`${sandbox.binaryPath}.new`)).toBe(false)
    expect(await sandbox.healthz()).toEqual({ status: 200, version: '1.0.0' })
  })

  test('first install (nothing to back up) succeeds when healthy', async () => {
    const r = await run(publish('good', '1.0.0'))
    expect(r.result).toBe('deployed')
    expect(fs.existsSync(`${sandbox.binaryPath}.bak`)).toBe(false)
    expect(await sandbox.healthz()).toEqual({ status: 200, version: '1.0.0' })
  })

  test('first install that is unhealthy reports failed (exit 2): there is nothing to roll back to', async () => {
    const r = await run(publish('bad-health', '1.0.0'))
    expect(r.result).toBe('failed')
    expect(r.code).toBe(2)
    expect(r.stdout).toContain('no backup at')
  })
})

describe('rollback', () => {
  test('swaps the backup in, and a second rollback swaps back', async () => {
    await sandbox.installCurrent('good', '1.0.0')
    expect((await run(publish('good', '2.0.0'))).result).toBe('deployed')
    const first = await run({ kind: 'rollback' })
    expect(first.result).toBe('rolled-back')
    expect(first.code).toBe(0)
    expect(await sandbox.healthz()).toEqual({ status: 200, version: '1.0.0' })
    expect(fs.readFileSync(`${sandbox.binaryPath}.bak`, 'utf8')).toContain('2.0.0')
    const second = await run({ kind: 'rollback' })
    expect(second.result).toBe('rolled-back')
    expect(await sandbox.healthz()).toEqual({ status: 200, version: '2.0.0' })
  })

  test('without a backup nothing happens', async () => {
    await sandbox.installCurrent('good', '1.0.0')
    const r = await run({ kind: 'rollback' })
    expect(r.result).toBe('no-backup')
    expect(await sandbox.healthz()).toEqual({ status: 200, version: '1.0.0' })
  })

  test('an unhealthy backup is swapped back out, leaving the current binary running', async () => {
    await sandbox.installCurrent('good', '2.0.0')
    fs.copyFileSync(sandbox.release('bad-health', '1.0.0'), `${sandbox.binaryPath}.bak`)
    const r = await run({ kind: 'rollback' })
    expect(r.result).toBe('failed')
    expect(r.code).toBe(1)
    expect(installed()).toContain('fake mail-server 2.0.0 (good)')
    expect(await sandbox.healthz()).toEqual({ status: 200, version: '2.0.0' })
  })
})

test('logs prints the journal', async () => {
  await sandbox.installCurrent('good', '1.0.0')
  const r = await run({ kind: 'logs', lines: 20 })
  expect(r.result).toBe('logs')
  expect(r.stdout).toContain('fake mail-server 1.0.0 (good) listening on')
})
