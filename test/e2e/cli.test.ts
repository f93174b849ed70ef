// The CLI through the compiled binary (issue 3 acceptance): every command runs from an empty
// folder against a temp data dir, prints what a user needs, and fails with clear messages and
// distinct exit codes.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { compiledBinary, type RunResult, runBinary } from '../support/binary.ts'

let bin: string
let work: string
let dataDir: string

beforeAll(async () => {
  bin = await compiledBinary()
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'mail-cli-'))
  dataDir = path.join(work, 'data')
}, 180_000)
afterAll(() => fs.rmSync(work, { recursive: true, force: true }))

const cli = (args: string[], stdin?: string): Promise<RunResult> =>
  runBinary(bin, [...args, '--data-dir', dataDir], { cwd: work, stdin })

describe('version', () => {
  test('prints version, commit and build date', async () => {
    const r = await runBinary(bin, ['version'], { cwd: work })
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^mail-server \d+\.\d+\.\d+ \(commit [0-9a-f]{7,}(-dirty)?, built \d{4}-\d\d-\d\dT/)
    const j = JSON.parse((await runBinary(bin, ['version', '--json'], { cwd: work })).stdout)
    expect(j.compiled).toBe(true)
  })
})

describe('domains, users and aliases', () => {
  test('domain add / list / duplicate / invalid', async () => {
    expect((await cli(['domain', 'add', 'Example.ORG'])).code).toBe(0)
    const list = await cli(['domain', 'list', '--json'])
    expect(list.code).toBe(0)
    expect(JSON.parse(list.stdout).map((d: { name: string }) => d.name)).toContain('example.org')
    const dup = await cli(['domain', 'add', 'example.org'])
    expect(dup.code).toBe(1)
    expect(dup.stderr).toContain('example.org')
    const bad = await cli(['domain', 'add', 'not a domain'])
    expect(bad.code).not.toBe(0)
    expect(bad.stderr.toLowerCase()).toContain('domain')
  })

  test('user add with --password-stdin writes an Argon2id hash and can be listed', async () => {
    const r = await cli(['user', 'add', 'ann@example.org', '--password-stdin'], 'correct horse\n')
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    const info = JSON.parse((await cli(['user', 'info', 'ann@example.org', '--json'])).stdout)
    expect(info.email).toBe('ann@example.org')
    expect(info.mailboxes.map((m: { name: string }) => m.name).sort()).toEqual(
      ['Archive', 'Drafts', 'INBOX', 'Junk', 'Sent', 'Trash'].sort(),
    )
    expect(fs.existsSync(path.join(dataDir, 'maildir/example.org/ann/cur'))).toBe(true)
    // The stored hash is exactly the seed's format.
    const db = new (await import('bun:sqlite')).Database(path.join(dataDir, 'mail.db'), { readonly: true })
    const row = db
      .query<{ password_hash: string }, []>("SELECT password_hash FROM accounts WHERE email = 'ann@example.org'")
      .get()
    db.close()
    expect(row?.password_hash).toMatch(/^\$argon2id\$v=19\$m=65536,t=3,p=1\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/)
  })

  test('user add with the password in argv works but warns', async () => {
    const r = await cli(['user', 'add', 'bob@example.org', 'hunter2hunter2'])
    expect(r.code).toBe(0)
    expect(r.stderr).toContain('--password-stdin')
  })

  test('duplicate user, invalid email and a new domain', async () => {
    const dup = await cli(['user', 'add', 'ann@example.org', '--password-stdin'], 'x\n')
    expect(dup.code).toBe(1)
    expect(dup.stderr).toMatch(/already exists/)
    const bad = await cli(['user', 'add', 'not-an-email', '--password-stdin'], 'pw\n')
    expect(bad.code).not.toBe(0)
    expect(bad.stderr).toMatch(/not-an-email/)
    const created = await cli(['user', 'add', 'carol@example.net', '--generate', '--json'])
    expect(created.code).toBe(0)
    const out = JSON.parse(created.stdout)
    expect(out.password).toMatch(/^\S{20}$/)
    expect(out.domainCreated).toBe(true)
  })

  test('user list, passwd, disable, enable, delete', async () => {
    const list = JSON.parse((await cli(['user', 'list', '--json'])).stdout)
    expect(list.map((u: { email: string }) => u.email)).toEqual(
      expect.arrayContaining(['ann@example.org', 'bob@example.org', 'carol@example.net']),
    )
    expect((await cli(['user', 'passwd', 'bob@example.org', '--password-stdin'], 'new secret\n')).code).toBe(0)
    expect((await cli(['user', 'disable', 'bob@example.org'])).code).toBe(0)
    expect(JSON.parse((await cli(['user', 'info', 'bob@example.org', '--json'])).stdout).disabled).toBe(true)
    expect((await cli(['user', 'enable', 'bob@example.org'])).code).toBe(0)
    expect(JSON.parse((await cli(['user', 'info', 'bob@example.org', '--json'])).stdout).disabled).toBe(false)
    expect((await cli(['user', 'delete', 'bob@example.org'])).code).toBe(0)
    expect(fs.existsSync(path.join(dataDir, 'maildir/example.org/bob'))).toBe(false)
    const gone = await cli(['user', 'info', 'bob@example.org'])
    expect(gone.code).toBe(1)
    expect(gone.stderr).toContain('bob@example.org')
  })

  test('alias add / list / remove', async () => {
    expect((await cli(['alias', 'add', 'team@example.org', 'ann@example.org,ext@elsewhere.test'])).code).toBe(0)
    const list = JSON.parse((await cli(['alias', 'list', '--json'])).stdout)
    const team = list.find((a: { address: string }) => a.address === 'team@example.org')
    expect(team.targets.sort()).toEqual(['ann@example.org', 'ext@elsewhere.test'])
    expect((await cli(['alias', 'remove', 'team@example.org'])).code).toBe(0)
    expect(JSON.parse((await cli(['alias', 'list', '--json'])).stdout)).toEqual([])
  })

  test('unknown command and missing argument are usage errors (exit 2)', async () => {
    expect((await cli(['frobnicate'])).code).toBe(2)
    expect((await cli(['user', 'info'])).code).toBe(2)
  })
})

describe('config', () => {
  test('config check passes on defaults and names the key on a bad value', async () => {
    const ok = await cli(['config', 'check'])
    expect(ok.code).toBe(0)
    expect(ok.stdout).toContain('configuration OK')
    const bad = await cli(['config', 'check', '--set', 'smtp.mx.port=notaport'])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain('smtp.mx.port')
    const env = await runBinary(bin, ['config', 'check', '--data-dir', dataDir], {
      cwd: work,
      env: { MAIL_IMAP_PLAIN_PORT: '99999' },
    })
    expect(env.code).toBe(2)
    expect(env.stderr).toContain('imap.plain.port')
    expect(env.stderr).toContain('MAIL_IMAP_PLAIN_PORT')
  })

  test('a TOML file in the working directory is read, and unknown keys are rejected', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mail-cfg-'))
    fs.writeFileSync(path.join(dir, 'mail-server.toml'), 'hostname = "mx.example.org"\n[smtp.mx]\nport = 2626\n')
    const shown = JSON.parse((await runBinary(bin, ['config', 'show', '--json'], { cwd: dir })).stdout)
    expect(shown.hostname).toBe('mx.example.org')
    expect(shown.smtp.mx.port).toBe(2626)
    fs.writeFileSync(path.join(dir, 'mail-server.toml'), '[smtp]\nmaxMesageSize = 10\n')
    const bad = await runBinary(bin, ['config', 'check'], { cwd: dir })
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain('smtp.maxMesageSize')
    fs.rmSync(dir, { recursive: true, force: true })
  })

  test('a data dir that cannot be created is a clear error and creates nothing', async () => {
    const file = path.join(work, 'a-file')
    fs.writeFileSync(file, 'x')
    const r = await runBinary(bin, ['domain', 'add', 'example.com', '--data-dir', path.join(file, 'data')], {
      cwd: work,
    })
    expect(r.code).toBe(1)
    expect(r.stderr).toContain(path.join(file, 'data'))
    expect(fs.readFileSync(file, 'utf8')).toBe('x')
  })

  test('migrate reports the schema is current', async () => {
    const r = await cli(['migrate'])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/up to date|applied/)
  })
})
