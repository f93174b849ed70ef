// Python's poplib against the running server: STLS with certificate verification on the plaintext
// port, POP3_SSL on the implicit-TLS port, STAT/LIST/UIDL/TOP/RETR with byte-identical bodies,
// UIDL stable across sessions, deletions applied at QUIT only (not on a dropped connection), and
// [IN-USE] for a second session on the same maildrop.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { join } from 'node:path'
import { DOMAIN, PASSWORD, type Pop3TestServer, run, startPop3TestServer, testMessage } from './support/pop3-server.ts'

const python = Bun.which('python3')
const SCRIPT = join(import.meta.dir, 'support', 'poplib-client.py')
let t: Pop3TestServer

beforeAll(async () => {
  t = await startPop3TestServer()
}, 30_000)
afterAll(() => t?.stop())

type Step = [number, string, ...(string | number)[]]
type Result = string | number[] | string[] | { error: string } | { resp: string; bytes: string; octets?: number }

async function poplib(steps: Step[]): Promise<Result[]> {
  const plan = { port: t.ports.pop3, sslPort: t.ports.pop3s, cafile: t.caFile, steps }
  const { code, stdout, stderr } = await run([python as string, SCRIPT, JSON.stringify(plan)], { timeoutMs: 30_000 })
  if (code !== 0) throw new Error(`poplib client failed (${code}): ${stderr}`)
  return JSON.parse(stdout) as Result[]
}

const login = (conn: number, local: string, via: 'stls' | 'ssl' = 'stls'): Step[] => [
  [conn, via],
  [conn, 'user', `${local}@${DOMAIN}`],
  [conn, 'pass', PASSWORD],
]
const bytesOf = (r: Result | undefined) => Buffer.from((r as { bytes: string }).bytes, 'base64')

describe.skipIf(!python)('python poplib', () => {
  test('STLS with a verified certificate, then STAT, LIST, UIDL, TOP and byte-identical RETR', async () => {
    const id = await t.addAccount('stls')
    const messages = [testMessage(1), testMessage(2, 6000), testMessage(3)]
    const uids = await t.append(id, messages)
    const results = await poplib([
      [0, 'stls'],
      [0, 'capa'],
      [0, 'user', `stls@${DOMAIN}`],
      [0, 'pass', PASSWORD],
      [0, 'stat'],
      [0, 'list'],
      [0, 'uidl'],
      [0, 'top', 2, 0],
      [0, 'retr', 1],
      [0, 'retr', 2],
      [0, 'retr', 3],
      [0, 'quit'],
    ])
    expect(results[0]).toStartWith('+OK Begin TLS negotiation')
    // After STLS the login methods are offered, STLS no longer.
    const capa = Object.keys(results[1] as object)
    expect(capa).toEqual(expect.arrayContaining(['TOP', 'UIDL', 'USER', 'SASL']))
    expect(capa).not.toContain('STLS')
    expect(results[3]).toStartWith('+OK')
    const total = messages.reduce((n, m) => n + m.length, 0)
    expect(results[4]).toEqual([3, total])
    expect(results[5]).toEqual(messages.map((m, i) => `${i + 1} ${m.length}`))
    const ids = (results[6] as string[]).map(l => l.split(' ')[1])
    expect(new Set(ids).size).toBe(3)
    const header = Buffer.from(messages[1] as Uint8Array)
    expect(bytesOf(results[7]).equals(header.subarray(0, header.indexOf('\r\n\r\n') + 4))).toBe(true)
    for (const [i, m] of messages.entries()) expect(bytesOf(results[8 + i]).equals(Buffer.from(m))).toBe(true)
    expect(results[11]).toStartWith('+OK')
    expect([...(await t.stored(id)).keys()]).toEqual(uids)
  })

  test('POP3_SSL on the implicit-TLS port; UIDL is the same in the next session', async () => {
    const id = await t.addAccount('ssl')
    await t.append(id, [testMessage(10), testMessage(11)])
    const first = await poplib([...login(0, 'ssl', 'ssl'), [0, 'uidl'], [0, 'retr', 2], [0, 'quit']])
    expect(first[0]).toStartWith('+OK')
    expect(bytesOf(first[4]).equals(Buffer.from(testMessage(11)))).toBe(true)
    const second = await poplib([...login(0, 'ssl', 'stls'), [0, 'uidl'], [0, 'quit']])
    expect(second[3]).toEqual(first[3])
  })

  test('DELE takes effect at QUIT; a dropped connection deletes nothing', async () => {
    const id = await t.addAccount('dele')
    const uids = await t.append(id, [testMessage(20), testMessage(21), testMessage(22)])
    const dropped = await poplib([...login(0, 'dele'), [0, 'dele', 1], [0, 'dele', 2], [0, 'drop']])
    expect(dropped[3]).toStartWith('+OK')
    // The server notices the close asynchronously; the next login would see [IN-USE] until then.
    await waitForUnlock('dele')
    expect([...(await t.stored(id)).keys()]).toEqual(uids)
    const quit = await poplib([...login(0, 'dele'), [0, 'dele', 1], [0, 'dele', 3], [0, 'quit']])
    expect(quit[5]).toStartWith('+OK')
    expect([...(await t.stored(id)).keys()]).toEqual([uids[1] as number])
  })

  test('a second session on the same maildrop gets [IN-USE]; after QUIT it gets in', async () => {
    await t.addAccount('busy')
    const results = await poplib([
      ...login(0, 'busy'),
      ...login(1, 'busy', 'ssl'),
      [0, 'quit'],
      [1, 'user', `busy@${DOMAIN}`],
      [1, 'pass', PASSWORD],
      [1, 'stat'],
      [1, 'quit'],
    ])
    expect(results[5]).toEqual({ error: '-ERR [IN-USE] maildrop already locked by another session' })
    expect(results[8]).toStartWith('+OK')
    expect(results[9]).toEqual([0, 0])
  })

  test('DELE + QUIT: a concurrent reader and the IMAP change notifications see the deletions only after QUIT', async () => {
    // Stands in for an interleaved IMAP session (its EXPUNGE test comes with the IMAP issue): IMAP
    // sessions learn about other sessions' changes from storage.events and re-read the index.
    const id = await t.addAccount('interleave')
    const uids = await t.append(id, [testMessage(30), testMessage(31), testMessage(32)])
    const { storage } = t.server.deps
    const inbox = await storage.mailboxes.get(id, 'INBOX')
    const mailboxId = inbox?.id ?? -1
    const events: Array<{ kind: string; uids: readonly number[] }> = []
    const unsubscribe = storage.events.subscribe(mailboxId, e => events.push({ kind: e.kind, uids: e.uids }))
    try {
      const before = await poplib([
        ...login(0, 'interleave'),
        [0, 'retr', 1],
        [0, 'dele', 2],
        [0, 'dele', 3],
        [0, 'drop'],
      ])
      expect(before[4]).toStartWith('+OK')
      await waitForUnlock('interleave')
      expect(events).toEqual([])
      expect((await storage.messages.list(mailboxId)).map(m => m.uid)).toEqual(uids)
      await poplib([...login(0, 'interleave'), [0, 'retr', 1], [0, 'dele', 2], [0, 'dele', 3], [0, 'quit']])
      const records = await storage.messages.list(mailboxId)
      expect(records.map(m => m.uid)).toEqual([uids[0] as number])
      expect(records[0]?.flags).toContain('\\Seen')
      expect(events.filter(e => e.kind === 'expunge').flatMap(e => e.uids)).toEqual(uids.slice(1))
    } finally {
      unsubscribe()
    }
  })

  test('a wrong password is -ERR [AUTH]', async () => {
    await t.addAccount('wrong')
    const results = await poplib([
      [0, 'stls'],
      [0, 'user', `wrong@${DOMAIN}`],
      [0, 'pass', 'not the password'],
      [0, 'quit'],
    ])
    expect(results[2]).toEqual({ error: '-ERR [AUTH] invalid user name or password' })
  })
})

/** Log in until the maildrop is free again (the drop is seen by the server a moment later). */
async function waitForUnlock(local: string): Promise<void> {
  for (let i = 0; i < 50; i++) {
    const r = await poplib([...login(0, local), [0, 'quit']])
    if (typeof r[2] === 'string' && r[2].startsWith('+OK')) return
    await Bun.sleep(50)
  }
  throw new Error('maildrop stayed locked')
}
