// `mail-server admin add|list|passwd|delete`, run from the source like `bun run src/main.ts`.
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { createAdminUserRepository } from '../../../src/admin/admin-users.ts'
import { systemClock } from '../../../src/core/clock.ts'
import { createStorage } from '../../../src/storage/storage.ts'

const MAIN = path.resolve(import.meta.dir, '../../../src/main.ts')
let dir: string

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'mail-admin-cli-'))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

async function cli(args: string[], stdin?: string) {
  const proc = Bun.spawn([process.execPath, MAIN, 'admin', ...args, '--data-dir', dir], {
    cwd: dir,
    stdin: stdin === undefined ? 'ignore' : new TextEncoder().encode(stdin),
    stdout: 'pipe',
    stderr: 'pipe',
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir },
  })
  const [code, stdout, stderr] = await Promise.all([
    proc.exited,
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
  ])
  return { code, stdout, stderr }
}

async function verify(username: string, password: string) {
  const storage = await createStorage({ dataDir: dir })
  try {
    return await createAdminUserRepository({ storage, clock: systemClock }).verify(username, password)
  } finally {
    storage.close()
  }
}

test('add with --password-stdin, list, passwd, delete', async () => {
  const added = await cli(['add', 'Root', '--password-stdin'], 'pw one\r\nignored second line\n')
  expect(added.stderr).toBe('')
  expect(added.code).toBe(0)
  expect(added.stdout).toContain('added admin root')
  expect(await verify('root', 'pw one')).not.toBeNull()

  const listed = await cli(['list', '--json'])
  expect(JSON.parse(listed.stdout)).toMatchObject([{ username: 'root' }])

  expect((await cli(['passwd', 'root', '--password-stdin'], 'pw two\n')).code).toBe(0)
  expect(await verify('root', 'pw two')).not.toBeNull()

  const duplicate = await cli(['add', 'root', '--password-stdin'], 'x\n')
  expect(duplicate.code).toBe(1)
  expect(duplicate.stderr).toBe('error: admin user root already exists\n')

  expect((await cli(['delete', 'root'])).code).toBe(0)
  expect(await verify('root', 'pw two')).toBeNull()
}, 20_000)

test('bad input: a malformed name, an empty password, no terminal to prompt on', async () => {
  const badName = await cli(['add', '<x>', '--password-stdin'], 'pw\n')
  expect(badName.code).toBe(1)
  expect(badName.stderr).toContain('invalid admin username')
  const empty = await cli(['add', 'ops', '--password-stdin'], '\n')
  expect(empty.code).toBe(2)
  expect(empty.stderr).toBe('error: the password is empty\n')
  const noTty = await cli(['add', 'ops'])
  expect(noTty.code).toBe(2)
  expect(noTty.stderr).toContain('--password-stdin')
}, 20_000)
