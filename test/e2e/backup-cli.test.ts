// backup, import and export through the compiled binary: what an operator types, with exit codes
// and messages. The storage-level behaviour is covered in test/unit/backup and
// test/unit/import-export; this checks the commands, their output and refusals.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { compiledBinary, type RunResult, runBinary } from '../support/binary.ts'

let bin: string
let work: string
let dataDir: string
let backups: string

beforeAll(async () => {
  bin = await compiledBinary()
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'mail-backup-cli-'))
  dataDir = path.join(work, 'data')
  backups = path.join(work, 'backups')
  const add = await runBinary(bin, ['user', 'add', 'bob@example.org', '--password-stdin', '--data-dir', dataDir], {
    cwd: work,
    stdin: 'correct horse battery\n',
  })
  if (add.code !== 0) throw new Error(add.stderr)
}, 180_000)
afterAll(() => fs.rmSync(work, { recursive: true, force: true }))

const cli = (args: string[], env: Record<string, string> = {}, dir = dataDir): Promise<RunResult> =>
  runBinary(bin, [...args, '--data-dir', dir], { cwd: work, env })

describe('import and export', () => {
  test('import mbox: good messages imported, malformed ones listed with line numbers, exit 1', async () => {
    fs.writeFileSync(
      path.join(work, 'in.mbox'),
      'junk first line\n' +
        'From a@example.net Thu Jan  1 00:00:00 2026\nSubject: one\nMessage-ID: <1@e2e>\nStatus: RO\n\nbody\n\n' +
        'From b@example.net Thu Jan  1 00:01:00 2026\nnot a header\n\n' +
        'From c@example.net Thu Jan  1 00:02:00 2026\nSubject: two\nMessage-ID: <2@e2e>\n\nbody\n',
    )
    const r = await cli(['import', 'mbox', 'bob@example.org', path.join(work, 'in.mbox'), '--mailbox', 'Archive/Old'])
    expect(r.code).toBe(1)
    expect(r.stdout).toContain('imported 2 messages')
    expect(r.stdout).toContain('Archive/Old: 2 imported')
    expect(r.stderr).toContain('in.mbox line 1: no "From " line before it')
    expect(r.stderr).toContain('in.mbox line 10: not a header field: message at line 9 skipped')
    const again = await cli([
      'import',
      'mbox',
      'bob@example.org',
      path.join(work, 'in.mbox'),
      '--mailbox',
      'Archive/Old',
      '--json',
    ])
    expect(JSON.parse(again.stdout)).toMatchObject({ imported: 0, duplicates: 2 })
  })

  test('export to mbox and Maildir; unknown account and bad format are refused', async () => {
    const mbox = await cli(['export', 'bob@example.org', path.join(work, 'out-mbox'), '--format', 'mbox'])
    expect(mbox.code).toBe(0)
    expect(mbox.stdout).toContain('exported 2 messages')
    expect(fs.readFileSync(path.join(work, 'out-mbox', 'Archive.sbd', 'Old'), 'utf8')).toContain('Status: RO')
    const maildir = await cli(['export', 'bob@example.org', path.join(work, 'out-md')])
    expect(maildir.code).toBe(0)
    expect(fs.readdirSync(path.join(work, 'out-md', '.Archive.Old', 'cur'))).toHaveLength(2)
    const imported = await cli(['import', 'maildir', 'bob@example.org', path.join(work, 'out-md'), '--json'])
    expect(JSON.parse(imported.stdout)).toMatchObject({ imported: 0, duplicates: 2 })
    expect((await cli(['export', 'nobody@example.org', path.join(work, 'x')])).stderr).toContain(
      'no account nobody@example.org',
    )
    const bad = await cli(['export', 'bob@example.org', path.join(work, 'y'), '--format', 'pst'])
    expect(bad.code).toBe(2)
  })
})

describe('backup', () => {
  test('create, list, status; restore refuses live data, then --force', async () => {
    const created = await cli(['backup', 'create', '--to', backups, '--json'])
    expect(created.code).toBe(0)
    const id = JSON.parse(created.stdout).summary.id as string
    const listed = await cli(['backup', 'list', '--from', backups])
    expect(listed.stdout).toContain(id)
    const status = JSON.parse((await cli(['backup', 'status', '--json'])).stdout)
    expect(status.lastRun).toMatchObject({ id, state: 'succeeded', target: backups })

    const refused = await cli(['backup', 'restore', id, '--from', backups])
    expect(refused.code).toBe(1)
    expect(refused.stderr).toContain('holds data that the restore would replace')
    expect(refused.stderr).toContain('mail.db: the database (1 accounts')
    expect(refused.stderr).toContain('--force')
    const forced = await cli(['backup', 'restore', id, '--from', backups, '--force'])
    expect(forced.code).toBe(0)
    expect(forced.stdout).toContain(`restored ${id}`)
    expect(forced.stdout).toContain('pre-restore-')
    const fresh = path.join(work, 'fresh')
    expect((await cli(['backup', 'restore', 'latest', '--from', backups], {}, fresh)).code).toBe(0)
    const exported = await cli(
      ['export', 'bob@example.org', path.join(work, 'from-restore'), '--format', 'mbox'],
      {},
      fresh,
    )
    expect(exported.stdout).toContain('exported 2 messages')
  })

  test('--encrypt needs a key; with MAIL_BACKUP_ENCRYPTION_KEY it works and restore needs it', async () => {
    const missing = await cli(['backup', 'create', '--to', backups, '--encrypt'])
    expect(missing.code).toBe(1)
    expect(missing.stderr).toContain('encryption needs a key')
    const key = (await runBinary(bin, ['backup', 'keygen'], { cwd: work })).stdout.trim()
    expect(key).toMatch(/^[0-9a-f]{64}$/)
    const made = await cli(['backup', 'create', '--to', backups, '--encrypt'], { MAIL_BACKUP_ENCRYPTION_KEY: key })
    expect(made.code).toBe(0)
    expect(made.stdout).toContain('encrypted with key')
    const other = path.join(work, 'encrypted-restore')
    const without = await cli(['backup', 'restore', 'latest', '--from', backups], {}, other)
    expect(without.code).toBe(1)
    expect(without.stderr).toContain('is encrypted')
    const withKey = await cli(
      ['backup', 'restore', 'latest', '--from', backups],
      { MAIL_BACKUP_ENCRYPTION_KEY: key },
      other,
    )
    expect(withKey.code).toBe(0)
  })

  test('no target anywhere: a usage error', async () => {
    const r = await cli(['backup', 'create'])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('no backup target')
  })
})
