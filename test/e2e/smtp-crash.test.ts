// Crash safety of SMTP delivery through the compiled binary (issue 4 acceptance): while clients
// send uniquely numbered messages, the server is killed with SIGKILL at random points, three
// times, and started again (`serve` reconciles Maildir and index at start). At the end every
// message that got its 250 is in the INBOX index exactly once, its file exists and holds the body
// that was sent, and no message is indexed twice.
import { afterAll, beforeAll, expect, test } from 'bun:test'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { createStorage, INBOX } from '../../src/storage/index.ts'
import { compiledBinary, freePortFlags, runBinary } from '../support/binary.ts'
import { LineClient } from '../unit/net/helpers/line-client.ts'

const RECIPIENT = 'crash@crash.test'
const KILLS = 3
/** Messages acknowledged per round before the kill comes (random within this range). */
const ROUND_ACKS = [40, 90] as const
/** Acknowledged messages in the last round, which ends with a clean stop. */
const LAST_ROUND_ACKS = 60
const SENDERS = 4

let bin: string
let work: string
let dataDir: string

beforeAll(async () => {
  bin = await compiledBinary()
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'mail-crash-'))
  dataDir = path.join(work, 'data')
  const added = await runBinary(bin, ['user', 'add', RECIPIENT, '--password-stdin', '--data-dir', dataDir], {
    cwd: work,
    stdin: 'crash password 1\n',
  })
  if (added.code !== 0) throw new Error(`user add failed: ${added.stderr}`)
}, 180_000)
afterAll(() => fs.rmSync(work, { recursive: true, force: true }))

interface Server {
  proc: Bun.Subprocess<'ignore', 'ignore', 'pipe'>
  port: number
  log: Promise<string>
}

async function startServer(): Promise<Server> {
  const proc = Bun.spawn([bin, 'serve', '--data-dir', dataDir, ...freePortFlags], {
    cwd: work,
    stdin: 'ignore',
    stdout: 'ignore',
    stderr: 'pipe',
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
  })
  const log = new Response(proc.stderr).text()
  const stateFile = path.join(dataDir, 'run', 'server.json')
  for (let i = 0; i < 400; i++) {
    if (proc.exitCode !== null) throw new Error(`serve exited with ${proc.exitCode}: ${await log}`)
    // A killed server leaves its state file behind: wait for the one this process wrote.
    const state = fs.existsSync(stateFile) ? JSON.parse(fs.readFileSync(stateFile, 'utf8')) : null
    if (state?.pid === proc.pid) {
      const port = state.listeners.find((l: { name: string }) => l.name === 'smtp')?.port
      return { proc, port, log }
    }
    await Bun.sleep(25)
  }
  proc.kill('SIGKILL')
  throw new Error('serve did not start')
}

const message = (id: number) =>
  `From: <load@client.test>\r\nTo: <${RECIPIENT}>\r\nSubject: crash ${id}\r\nMessage-ID: <crash-${id}@client.test>\r\n` +
  `X-Crash-Id: ${id}\r\n\r\ncrash body ${id}\r\n${'filler line\r\n'.repeat(20)}.\r\n`

/**
 * Clients sending numbered messages until `stop()` says so or the server goes away. `acked` gets
 * every id the server answered 250 to at the end of DATA; nothing else counts.
 */
function runSenders(port: number, nextId: () => number, acked: Set<number>, stop: () => boolean) {
  const sender = async () => {
    let client: LineClient | null = null
    try {
      client = await LineClient.connect(port)
      if (!(await client.readReply()).startsWith('220')) return
      client.write('EHLO crash.client\r\n')
      await client.readReply()
      while (!stop()) {
        const id = nextId()
        client.write(`MAIL FROM:<load@client.test>\r\nRCPT TO:<${RECIPIENT}>\r\nDATA\r\n`)
        const replies = [await client.readReply(), await client.readReply(), await client.readReply()]
        if (!replies[2]?.startsWith('354')) throw new Error(`unexpected replies ${replies.join(' | ')}`)
        client.write(message(id))
        if ((await client.readReply()).startsWith('250')) acked.add(id)
      }
    } catch {
      // The server was killed mid-conversation: this message was not acknowledged.
    } finally {
      client?.close()
    }
  }
  return Promise.all(Array.from({ length: SENDERS }, sender))
}

test(
  'SIGKILL during delivery loses no acknowledged message and indexes none twice',
  async () => {
    const acked = new Set<number>()
    let id = 0
    const nextId = () => ++id
    let kills = 0
    for (let round = 0; round <= KILLS; round++) {
      const server = await startServer()
      const last = round === KILLS
      const before = acked.size
      const target = last
        ? LAST_ROUND_ACKS
        : ROUND_ACKS[0] + Math.floor(Math.random() * (ROUND_ACKS[1] - ROUND_ACKS[0]))
      let killed = false
      const senders = runSenders(server.port, nextId, acked, () => {
        if (acked.size - before < target) return false
        if (!last && !killed) {
          // Kill at this random point, with the other senders' messages in flight.
          killed = true
          server.proc.kill('SIGKILL')
          kills++
        }
        return true
      })
      await senders
      if (last) server.proc.kill('SIGTERM')
      const code = await server.proc.exited
      if (last) expect(code).toBe(0)
      await server.log
    }
    expect(kills).toBe(KILLS)
    expect(acked.size).toBeGreaterThanOrEqual(KILLS * ROUND_ACKS[0] + LAST_ROUND_ACKS)

    // The server is stopped: read what is on disk.
    const storage = await createStorage({ dataDir })
    try {
      const account = await storage.accounts.get(RECIPIENT)
      const inbox = account ? await storage.mailboxes.get(account.id, INBOX) : null
      if (!inbox) throw new Error('INBOX missing')
      const seen = new Map<number, number>()
      const missingFiles: number[] = []
      for (const record of await storage.messages.list(inbox.id)) {
        const bytes = await storage.messages.readBytes(inbox.id, record.uid)
        if (bytes === null) {
          missingFiles.push(record.uid)
          continue
        }
        const text = new TextDecoder().decode(bytes)
        const found = Number(/^X-Crash-Id: (\d+)\r$/m.exec(text)?.[1] ?? Number.NaN)
        expect(text).toContain(`\r\n\r\ncrash body ${found}\r\n`)
        seen.set(found, (seen.get(found) ?? 0) + 1)
      }
      expect(missingFiles).toEqual([])
      const duplicates = [...seen].filter(([, n]) => n > 1).map(([i]) => i)
      expect(duplicates).toEqual([])
      const lost = [...acked].filter(i => seen.get(i) !== 1)
      expect(lost).toEqual([])
      // Only messages that were sent can be there (a message killed before its 250 may or may not be).
      expect([...seen.keys()].every(i => Number.isInteger(i) && i >= 1 && i <= id)).toBe(true)
    } finally {
      storage.close()
    }
  },
  { timeout: 60_000 },
)
