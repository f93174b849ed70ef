// The SDK against the compiled binary (issue 8 acceptance): the first token comes from
// `mail-server token create` (printed once), `serve` answers the SDK over HTTP, scopes and
// revocation (by the CLI, while the server runs) hold, and `domain dns` prints what the API lists.
import { afterAll, beforeAll, expect, test } from 'bun:test'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { createMailServerClient, MailServerApiError } from '../../src/sdk/index.ts'
import { compiledBinary, freePortFlags, runBinary } from '../support/binary.ts'

let bin: string
let work: string
let dataDir: string
const common = () => ['--data-dir', dataDir, '--hostname', 'mail.e2e.test']

beforeAll(async () => {
  bin = await compiledBinary()
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'mail-sdk-'))
  dataDir = path.join(work, 'data')
}, 180_000)
afterAll(() => fs.rmSync(work, { recursive: true, force: true }))

async function waitForHttpPort(proc: { exitCode: number | null }): Promise<number> {
  const file = path.join(dataDir, 'run/server.json')
  for (let i = 0; i < 300; i++) {
    if (proc.exitCode !== null) throw new Error(`serve exited early with ${proc.exitCode}`)
    if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, 'utf8')).http[0].port
    await Bun.sleep(50)
  }
  throw new Error('serve did not write its runtime state')
}

test('token from the CLI, SDK against the running binary, scopes, revocation, domain dns', async () => {
  // Bootstrapping: the first token, printed once on stdout alone.
  const created = await runBinary(bin, ['token', 'create', '--name', 'e2e admin', '--scope', 'admin', ...common()], {
    cwd: work,
  })
  expect(created.code).toBe(0)
  const admin = created.stdout.trim()
  expect(admin).toMatch(/^mst_[A-Za-z0-9_-]{43}$/)
  expect(created.stderr).toContain('cannot be shown again')
  const reader = JSON.parse(
    (
      await runBinary(bin, ['token', 'create', '--name', 'reader', '--scope', 'read', '--json', ...common()], {
        cwd: work,
      })
    ).stdout,
  ) as { id: string; token: string; scopes: string[] }
  expect(reader.scopes).toEqual(['read'])

  const proc = Bun.spawn([bin, 'serve', ...common(), ...freePortFlags], {
    cwd: work,
    stdout: 'ignore',
    stderr: 'pipe',
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
  })
  const stderr = new Response(proc.stderr).text()
  try {
    const base = `http://127.0.0.1:${await waitForHttpPort(proc)}`
    const mail = createMailServerClient({ baseUrl: base, token: admin })

    expect((await mail.server.openApiDocument()).openapi).toBe('3.1.0')
    await mail.domains.create({ name: 'e2e.test' })
    const { account, generatedPassword } = await mail.accounts.create({ email: 'eve@e2e.test', generatePassword: true })
    expect(account.email).toBe('eve@e2e.test')
    expect(generatedPassword).toHaveLength(20)
    await mail.aliases.create({ address: 'hello@e2e.test', targets: ['eve@e2e.test'] })
    expect((await mail.accounts.list({ domain: 'e2e.test' })).items.map(a => a.email)).toEqual(['eve@e2e.test'])
    const status = await mail.server.status()
    expect(status).toMatchObject({ status: 'ok', hostname: 'mail.e2e.test' })
    expect(await mail.server.stats()).toMatchObject({ domains: 1, accounts: 1, aliases: 1 })
    expect((await mail.queue.list()).items).toEqual([])

    // DNS records through the API: delivery creates the DKIM keys on first use.
    const dns = await mail.domains.dnsRecords({ domain: 'e2e.test' })
    expect(dns.records.filter(r => r.purpose === 'dkim').length).toBeGreaterThan(0)
    const keys = await mail.dkim.listKeys({ domain: 'e2e.test' })
    expect(keys.items.map(k => k.dnsName).sort()).toEqual(
      dns.records
        .filter(r => r.purpose === 'dkim')
        .map(r => r.name)
        .sort(),
    )

    // The CLI prints the same records while the server runs (same configuration, ports included).
    const cli = await runBinary(bin, ['domain', 'dns', 'e2e.test', ...common(), ...freePortFlags], { cwd: work })
    expect(cli.code).toBe(0)
    const printed = cli.stdout.split('\n').filter(l => l !== '' && !l.startsWith(';'))
    expect(printed).toEqual(
      dns.records
        .filter(r => r.required)
        .map(r => r.zone)
        .concat(dns.records.filter(r => !r.required).map(r => r.zone)),
    )

    // A read token reads but cannot write.
    const readOnly = createMailServerClient({ baseUrl: base, token: reader.token })
    expect((await readOnly.domains.list()).items.map(d => d.name)).toEqual(['e2e.test'])
    const denied = await readOnly.domains.create({ name: 'nope.test' }).catch(e => e)
    expect(denied).toBeInstanceOf(MailServerApiError)
    expect([denied.status, denied.code]).toEqual([403, 'insufficient_scope'])

    // Revoked from the CLI while serving: refused at once.
    const revoked = await runBinary(bin, ['token', 'revoke', reader.id, ...common()], { cwd: work })
    expect(revoked.code).toBe(0)
    const after = await readOnly.domains.list().catch(e => e)
    expect([after.status, after.code]).toEqual([401, 'token_revoked'])

    const listed = JSON.parse(
      (await runBinary(bin, ['token', 'list', '--all', '--json', ...common()], { cwd: work })).stdout,
    )
    expect(listed.map((t: { name: string }) => t.name)).toEqual(['e2e admin', 'reader'])
    expect(JSON.stringify(listed)).not.toContain(admin)
  } finally {
    proc.kill('SIGTERM')
    expect(await proc.exited).toBe(0)
  }
  expect(await stderr).not.toContain(admin)
}, 60_000)

test('token create refuses a bad scope with a usage error and creates nothing', async () => {
  const r = await runBinary(bin, ['token', 'create', '--name', 'x', '--scope', 'root', ...common()], { cwd: work })
  expect(r.code).toBe(2)
  expect(r.stderr).toContain('unknown scope "root"')
  const none = await runBinary(bin, ['token', 'create', '--name', 'x', ...common()], { cwd: work })
  expect(none.code).toBe(2)
  expect(none.stderr).toContain('--scope')
})
