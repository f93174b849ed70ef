// `mail-server queue …` and `mail-server dkim …` through the compiled binary, on a data dir whose
// queue entries were written with the queue code (no server running).
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { createOutboundQueue } from '../../src/delivery/queue/outbound-queue.ts'
import { createStorage } from '../../src/storage/index.ts'
import { compiledBinary, runBinary } from '../support/binary.ts'

let bin: string
let work: string
let dataDir: string
const ids: string[] = []

beforeAll(async () => {
  bin = await compiledBinary()
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'mail-delivery-cli-'))
  dataDir = path.join(work, 'data')
  const storage = await createStorage({ dataDir })
  try {
    await storage.domains.add('local.test')
    const queue = createOutboundQueue({ storage, clock: { now: () => Date.now(), date: () => new Date() } })
    for (const domain of ['one.test', 'two.test']) {
      const q = await queue.enqueue({
        sender: 'ann@local.test',
        recipients: [{ address: `bob@${domain}`, notify: null, orcpt: null }],
        content: new TextEncoder().encode(`Subject: to ${domain}\r\nMessage-ID: <${domain}@local.test>\r\n\r\nhi\r\n`),
      })
      ids.push(q.id)
    }
  } finally {
    storage.close()
  }
}, 180_000)
afterAll(() => fs.rmSync(work, { recursive: true, force: true }))

const run = (...args: string[]) => runBinary(bin, [...args, '--data-dir', dataDir], { cwd: work })
const json = async (...args: string[]) => {
  const r = await run(...args, '--json')
  if (r.code !== 0) throw new Error(`${args.join(' ')} failed (${r.code}): ${r.stderr}`)
  return JSON.parse(r.stdout)
}

describe('queue', () => {
  test('list, show, retry, flush and drop', async () => {
    const listed = await json('queue', 'list')
    expect(listed.stats).toMatchObject({ depth: 2, byState: { queued: 2 } })
    expect(listed.entries.map((e: { id: string; domain: string }) => [e.id, e.domain])).toEqual([
      [ids[0], 'one.test'],
      [ids[1], 'two.test'],
    ])
    const shown = await json('queue', 'show', ids[0] as string)
    expect(shown).toMatchObject({ id: ids[0], state: 'queued', sender: 'ann@local.test' })
    expect(shown.recipients).toEqual([{ address: 'bob@one.test', notify: null, status: 'pending' }])
    expect(shown.spoolPath).toBeUndefined()
    expect(await json('queue', 'retry', ids[0] as string)).toEqual({ retried: ids[0] })
    expect(await json('queue', 'flush')).toEqual({ flushed: 2 })
    expect(await json('queue', 'drop', ids[1] as string)).toEqual({ dropped: ids[1] })
    expect((await json('queue', 'list')).entries).toHaveLength(1)
    const text = await run('queue', 'list')
    expect(text.stdout).toContain(ids[0] as string)
    expect(text.stdout).toContain('1 to deliver')
  })

  test('unknown ids and states are clear errors', async () => {
    const missing = await run('queue', 'show', 'qnope')
    expect(missing.code).not.toBe(0)
    expect(missing.stderr).toContain('no queue entry qnope')
    const state = await run('queue', 'list', '--state', 'sending')
    expect(state.code).toBe(2)
    expect(state.stderr).toContain('unknown state "sending"')
  })
})

describe('dkim', () => {
  test('generate, dns, rotate, list; private keys never printed', async () => {
    const generated = await json('dkim', 'generate', 'local.test')
    expect(generated.map((k: { algorithm: string }) => k.algorithm)).toEqual(['rsa-sha256', 'ed25519-sha256'])
    const records = await json('dkim', 'dns', 'local.test')
    expect(records).toHaveLength(2)
    expect(records[0].name).toMatch(/^s\d{8}r\._domainkey\.local\.test$/)
    expect(records[0].value).toStartWith('v=DKIM1; k=rsa; p=')
    const rotated = await json('dkim', 'rotate', 'local.test')
    expect(rotated).toHaveLength(2)
    expect(await json('dkim', 'dns', 'local.test')).toHaveLength(4)
    const listed = await run('dkim', 'list')
    expect(listed.code).toBe(0)
    expect(listed.stdout.match(/retired/g)).toHaveLength(2)
    for (const r of [listed, await run('dkim', 'list', '--json'), await run('dkim', 'dns', 'local.test')])
      expect(r.stdout).not.toContain('PRIVATE KEY')
  })

  test('a domain that is not hosted gets no keys', async () => {
    const r = await run('dkim', 'generate', 'elsewhere.test')
    expect(r.code).not.toBe(0)
    expect(r.stderr).toContain('not hosted here')
  })
})
