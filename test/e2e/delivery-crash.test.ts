// Crash safety of the outbound queue through the compiled binary (issue 7 acceptance): 1,000
// messages are queued, `serve` delivers them to a fake MX on loopback (MX found through the fake
// DNS server), and is killed with SIGKILL twice in the middle of the run, with attempts in flight.
// After the last restart every message has reached the MX exactly once (counted by Message-ID).
//
// Where the kills land: SMTP has an unavoidable window between the remote's 250 and the sender
// recording it (RFC 1047); a crash inside it duplicates that one message in any MTA. The queue's
// promise is about what it has recorded, so before each kill the MX stops accepting (451 at the
// end of DATA: the transactions in flight fail, temporarily) and the test waits until the database
// holds every delivery the MX acknowledged. The kill then hits entries in flight and deferred, whose
// outcome was never acknowledged, and the restart must retry them without losing or repeating any.
import { Database } from 'bun:sqlite'
import { afterAll, beforeAll, expect, test } from 'bun:test'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { createOutboundQueue } from '../../src/delivery/queue/outbound-queue.ts'
import { createStorage } from '../../src/storage/index.ts'
import { compiledBinary, freePortFlags } from '../support/binary.ts'
import { type FakeDns, startFakeDns } from '../support/fake-dns.ts'
import { type FakeMx, startFakeMx } from '../support/fake-mx.ts'

const MESSAGES = 1000
/** Deliveries acknowledged before each kill. */
const KILL_AFTER = [200, 550]

let bin: string
let work: string
let dataDir: string
let dns: FakeDns
let mx: FakeMx

beforeAll(async () => {
  bin = await compiledBinary()
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'mail-queue-crash-'))
  dataDir = path.join(work, 'data')
  dns = await startFakeDns({
    'remote.test': { MX: [{ exchange: 'mx.remote.test', priority: 10 }] },
    'mx.remote.test': { A: ['127.0.0.1'] },
  })
  mx = await startFakeMx({ hostname: 'mx.remote.test' })
  // Queue the messages while no server runs, through the same queue code the server uses.
  const storage = await createStorage({ dataDir })
  try {
    const queue = createOutboundQueue({ storage, clock: { now: () => Date.now(), date: () => new Date() } })
    for (let i = 0; i < MESSAGES; i++) {
      const text =
        `From: <sender@local.test>\r\nTo: <r${i}@remote.test>\r\nSubject: crash ${i}\r\n` +
        `Message-ID: <crash-${i}@local.test>\r\n\r\nbody ${i}\r\n`
      await queue.enqueue({
        sender: 'sender@local.test',
        recipients: [{ address: `r${i}@remote.test`, notify: ['NEVER'], orcpt: null }],
        content: new TextEncoder().encode(text),
      })
    }
  } finally {
    storage.close()
  }
}, 180_000)

afterAll(async () => {
  await mx?.close()
  await dns?.close()
  fs.rmSync(work, { recursive: true, force: true })
})

interface Server {
  proc: Bun.Subprocess<'ignore', 'ignore', 'pipe'>
  log: Promise<string>
}

async function startServer(): Promise<Server> {
  const stateFile = path.join(dataDir, 'run', 'server.json')
  const proc = Bun.spawn(
    [
      bin,
      'serve',
      '--data-dir',
      dataDir,
      ...freePortFlags,
      ...[
        `dns.servers=${dns.address}`,
        `delivery.direct.port=${mx.port}`,
        'delivery.mtaSts.enabled=false',
        'delivery.tlsRpt.enabled=false',
        'queue.retryScheduleSeconds=1',
        'queue.retryJitter=0',
        'queue.pollIntervalSeconds=0.2',
        'http.enabled=false',
      ].flatMap(s => ['--set', s]),
    ],
    {
      cwd: work,
      stdin: 'ignore',
      stdout: 'ignore',
      stderr: 'pipe',
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
    },
  )
  const log = new Response(proc.stderr).text()
  for (let i = 0; i < 400; i++) {
    if (proc.exitCode !== null) throw new Error(`serve exited with ${proc.exitCode}: ${await log}`)
    const state = fs.existsSync(stateFile) ? JSON.parse(fs.readFileSync(stateFile, 'utf8')) : null
    if (state?.pid === proc.pid) return { proc, log }
    await Bun.sleep(25)
  }
  proc.kill('SIGKILL')
  throw new Error('serve did not start')
}

const acceptedIds = () =>
  mx.transactions.map(
    t => /^Message-ID: <crash-(\d+)@local\.test>\r$/m.exec(new TextDecoder().decode(t.data))?.[1] ?? '?',
  )

/** Delivered entries as the database has them (a second reader beside the running server; WAL). */
function recordedDeliveries(): number {
  const db = new Database(path.join(dataDir, 'mail.db'), { readonly: true })
  try {
    return (
      db.query<{ n: number }, []>("SELECT count(*) AS n FROM outbound_queue WHERE state = 'delivered'").get()?.n ?? 0
    )
  } finally {
    db.close()
  }
}

async function until(what: string, condition: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await Bun.sleep(10)
  }
}

test(
  'SIGKILL twice during a queue run of 1,000 messages: each reaches the MX exactly once',
  async () => {
    let kills = 0
    for (const threshold of KILL_AFTER) {
      mx.setRespond(undefined)
      const server = await startServer()
      await until(`${threshold} deliveries`, () => mx.transactions.length >= threshold)
      // Stop acknowledging, then wait until every acknowledged delivery is recorded.
      mx.setRespond(c => (c.verb === 'DATA-END' ? '451 4.3.0 try again later' : undefined))
      const acknowledged = mx.transactions.length
      await until('the recorded deliveries', () => recordedDeliveries() >= acknowledged)
      expect(recordedDeliveries()).toBe(acknowledged)
      server.proc.kill('SIGKILL')
      await server.proc.exited
      await server.log
      kills++
    }
    expect(kills).toBe(KILL_AFTER.length)

    mx.setRespond(undefined)
    const server = await startServer()
    await until('all messages', () => new Set(acceptedIds()).size >= MESSAGES, 60_000)
    await until('an empty queue', () => recordedDeliveries() >= MESSAGES)
    server.proc.kill('SIGTERM')
    expect(await server.proc.exited).toBe(0)
    await server.log

    const ids = acceptedIds()
    const counts = new Map<string, number>()
    for (const id of ids) counts.set(id, (counts.get(id) ?? 0) + 1)
    expect([...counts].filter(([, n]) => n > 1)).toEqual([])
    expect(counts.size).toBe(MESSAGES)
    expect(ids).toHaveLength(MESSAGES)
    for (let i = 0; i < MESSAGES; i++) expect(counts.get(String(i))).toBe(1)
    // Nothing is left in the spool once every entry is delivered.
    expect(fs.readdirSync(path.join(dataDir, 'queue'))).toEqual([])
  },
  { timeout: 120_000 },
)
