// bench/imap: IMAP throughput and memory (issue 5). A server (startServer, in a child process so
// client and server do not share one event loop) holds 1,000 messages of 4 KiB in INBOX and
// 10,000 in "Search"; the parent drives it over loopback with a minimal client on raw sockets
// (a library client would measure itself). Plaintext with imap.allowInsecureAuth (loopback only).
//
//   FETCH 1:* BODY.PEEK[]        msg/s, median of 9 rounds over one connection   target >= 31,000
//   FETCH 1:* (UID FLAGS ENVELOPE) msg/s, median of 9 rounds (after one warm-up round, which
//                                analyses each message once and caches it)
//   APPEND                       msg/s, 8 connections appending 4 KiB messages, durable
//                                (each OK after the file and its index row are on disk)   target >= 1,000
//   SEARCH TEXT over 10,000      ms per search (a word in the body of every 100th message)
//   10,000 IDLE connections      server RSS with 10,000 sessions logged in, INBOX selected, in IDLE,
//                                measured after a full GC in the server      target <= 300 MB
//
// 10,000 Argon2id checks would take about 20 minutes, which is not what this measures: the bench
// server remembers a verified password for the rest of its run (a wrapper around
// storage.accounts.verifyCredentials in the child only); every LOGIN still goes through the
// throttle and the whole session machinery. Each process holds ~10,000 sockets: `ulimit -n` must
// allow that (checked up front). Bounded: every phase has a deadline; the whole run fails after
// TIME_LIMIT_MS. Prints one result line.
//
// Usage: bun run bench/imap.ts [--idle 10000] [--fetch-only]
import type { Socket } from 'bun'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { readReadyLine, spawnServeChild } from './support/serve-child.ts'

const MESSAGES = 1000
const SEARCH_MESSAGES = 10_000
const MESSAGE_BYTES = 4096
const ROUNDS = 9
const APPEND_CONNECTIONS = 8
const APPEND_SECONDS = 5
const SEARCH_ROUNDS = 3
const TIME_LIMIT_MS = 240_000
const PASSWORD = 'bench password'
const EMAIL = 'bench@bench.test'

const { values: args } = parseArgs({
  args: Bun.argv.slice(2),
  options: {
    serve: { type: 'boolean', default: false },
    idle: { type: 'string', default: '10000' },
    'fetch-only': { type: 'boolean', default: false },
  },
})
const IDLE = Number(args.idle)
/** Only the two FETCH measurements (a quicker loop while working on FETCH): no "Search" fill, no other phases. */
const FETCH_ONLY = args['fetch-only'] === true

// ---- the server (child) ----

async function serve(): Promise<void> {
  const { loadConfig } = await import('../src/config/load.ts')
  const { silentLogger } = await import('../src/core/logger.ts')
  const { startServer } = await import('../src/core/server.ts')
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-imap-'))
  const ports = ['smtp.mx', 'smtp.submission', 'smtp.submissions', 'imap.plain', 'imap.tls', 'pop3.plain', 'pop3.tls']
  const set = [
    ...ports.map(p => `${p}.port=0`),
    'managesieve.port=0',
    'http.port=0',
    'http.tlsPort=0',
    'imap.allowInsecureAuth=true',
    `limits.maxConnections=${IDLE + 100}`,
    `limits.maxConnectionsPerIp=${IDLE + 100}`,
    'limits.authFailuresBeforeThrottle=1000000',
  ]
  const { config } = loadConfig({ flags: { set, 'data-dir': dir }, env: {}, cwd: dir, searchPaths: [] })
  const server = await startServer(config, silentLogger)
  try {
    const { storage } = server.deps
    await storage.domains.add('bench.test')
    const account = await storage.accounts.create({ email: EMAIL, password: PASSWORD })
    rememberVerifiedPasswords(storage.accounts)
    await storage.mailboxes.create(account.id, 'Search')
    const fill = async (mailbox: string, count: number) => {
      // In parallel batches: the group commit shares one fsync among concurrent appends.
      for (let i = 0; i < count; i += 100) {
        await Promise.all(
          Array.from({ length: Math.min(100, count - i) }, (_, j) =>
            storage.messages.append({ accountId: account.id, mailbox, content: message(i + j) }),
          ),
        )
      }
    }
    await fill('INBOX', MESSAGES)
    if (!FETCH_ONLY) await fill('Search', SEARCH_MESSAGES)
    const port = server.mail.listeners().find(l => l.name === 'imap')?.port
    process.stdout.write(`${JSON.stringify({ port, pid: process.pid })}\n`)
    // Each line from the parent asks for a full GC (before an RSS reading); EOF ends the run.
    for await (const _ of Bun.stdin.stream()) {
      Bun.gc(true)
      process.stdout.write('gc\n')
    }
  } finally {
    await server.stop(1000)
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

/** Bench only: a password verified once is taken as verified for the rest of the run (see the header). */
function rememberVerifiedPasswords(accounts: {
  verifyCredentials(email: string, password: string): Promise<unknown>
}): void {
  const verify = accounts.verifyCredentials.bind(accounts)
  const known = new Map<string, Promise<unknown>>()
  accounts.verifyCredentials = (email, password) => {
    const key = `${email}\0${password}`
    let result = known.get(key)
    if (result === undefined) {
      result = verify(email, password)
      known.set(key, result)
    }
    return result
  }
}

/** A 4 KiB message; every 100th has the word SEARCH TEXT looks for in its body. */
function message(i: number): Uint8Array {
  let text = `From: Sender ${i % 37} <s${i % 37}@bench.test>\r\nTo: <${EMAIL}>\r\nSubject: bench message ${i}\r\nDate: Tue, 1 Apr 2025 10:00:00 +0000\r\nMessage-ID: <${i}@bench.test>\r\n\r\n`
  if (i % 100 === 0) text += 'the needle is here\r\n'
  while (text.length < MESSAGE_BYTES - 80) text += `${i} ${'lorem ipsum dolor sit amet '.repeat(2)}\r\n`
  return new TextEncoder().encode(`${text.padEnd(MESSAGE_BYTES - 2, '.')}\r\n`)
}

// ---- the client (parent) ----

/** A minimal IMAP client: tagged commands, untagged lines counted, literals skipped by size. */
class Wire {
  private pendingLiteral = 0
  private line: Buffer[] = []
  private waiters: Array<{ tag: string; resolve: (line: string) => void; reject: (e: Error) => void }> = []
  private continuation: (() => void) | null = null
  private closed = false
  private queue: Uint8Array[] = []
  private socket!: Socket<undefined>
  private counter = 0
  /** `* n FETCH` responses seen. */
  fetches = 0
  /** Untagged lines other than FETCH (SEARCH results etc.), kept until taken. */
  untagged: string[] = []

  static async connect(port: number): Promise<Wire> {
    const wire = new Wire()
    let greeted: () => void = () => {}
    const greeting = new Promise<void>(resolve => {
      greeted = resolve
    })
    wire.waiters.push({ tag: '*', resolve: () => greeted(), reject: () => {} })
    wire.socket = await Bun.connect({
      hostname: '127.0.0.1',
      port,
      socket: {
        data: (_s, chunk) => wire.onData(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length)),
        drain: () => wire.flush(),
        close: () => wire.onClose(),
        error: () => wire.onClose(),
      },
    })
    await greeting
    return wire
  }

  /** Send a command; resolves with the tagged line (throws unless OK). */
  async command(text: string): Promise<string> {
    const tag = `t${++this.counter}`
    const done = new Promise<string>((resolve, reject) => this.waiters.push({ tag, resolve, reject }))
    this.write(`${tag} ${text}\r\n`)
    const line = await done
    if (!line.startsWith(`${tag} OK`)) throw new Error(`${text.slice(0, 40)}: ${line}`)
    return line
  }

  /** IDLE: resolves once the server answered `+ idling`. */
  async idle(): Promise<void> {
    const started = new Promise<void>(resolve => {
      this.continuation = resolve
    })
    this.waiters.push({ tag: `t${++this.counter}`, resolve: () => {}, reject: () => {} })
    this.write(`t${this.counter} IDLE\r\n`)
    await started
  }

  write(data: string | Uint8Array): void {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'latin1') : data
    if (this.queue.length > 0) {
      this.queue.push(bytes)
      return
    }
    const n = this.socket.write(bytes)
    if (n >= 0 && n < bytes.length) this.queue.push(bytes.subarray(n))
  }

  close(): void {
    this.socket.end()
  }

  private flush(): void {
    while (this.queue.length > 0) {
      const head = this.queue[0] as Uint8Array
      const n = this.socket.write(head)
      if (n < 0) return
      if (n < head.length) {
        this.queue[0] = head.subarray(n)
        return
      }
      this.queue.shift()
    }
  }

  private onData(chunk: Buffer): void {
    let at = 0
    while (at < chunk.length) {
      if (this.pendingLiteral > 0) {
        const n = Math.min(this.pendingLiteral, chunk.length - at)
        this.pendingLiteral -= n
        at += n
        continue
      }
      const lf = chunk.indexOf(0x0a, at)
      if (lf < 0) {
        this.line.push(chunk.subarray(at))
        return
      }
      this.line.push(chunk.subarray(at, lf + 1))
      at = lf + 1
      const line = this.line.length === 1 ? (this.line[0] as Buffer) : Buffer.concat(this.line)
      this.line = []
      this.onLine(line)
    }
  }

  private onLine(line: Buffer): void {
    // A line ending in {n} continues after n literal octets: count it once, when it starts.
    const end = line.length - 2
    if (line[end - 1] === 0x7d) {
      const open = line.lastIndexOf(0x7b, end)
      if (open >= 0) this.pendingLiteral = Number(line.toString('latin1', open + 1, end - 1))
    }
    if (line[0] === 0x2a) {
      // "* n FETCH"
      const text = line.toString('latin1', 0, Math.min(line.length, 24))
      if (/^\* \d+ FETCH/.test(text)) this.fetches++
      else if (this.waiters[0]?.tag === '*') (this.waiters.shift() as { resolve: (l: string) => void }).resolve(text)
      else this.untagged.push(line.toString('latin1').trimEnd())
      return
    }
    if (line[0] === 0x2b) {
      const cont = this.continuation
      this.continuation = null
      cont?.()
      return
    }
    if (this.pendingLiteral > 0) return
    const text = line.toString('latin1').trimEnd()
    const tag = text.slice(0, text.indexOf(' '))
    const i = this.waiters.findIndex(w => w.tag === tag)
    if (i >= 0) (this.waiters.splice(i, 1)[0] as { resolve: (l: string) => void }).resolve(text)
  }

  private onClose(): void {
    if (this.closed) return
    this.closed = true
    for (const w of this.waiters.splice(0)) w.reject(new Error('connection closed'))
  }
}

async function login(port: number): Promise<Wire> {
  const wire = await Wire.connect(port)
  await wire.command(`LOGIN ${EMAIL} "${PASSWORD}"`)
  return wire
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number

/** CPU time (user + system) a process has used so far, in µs, from /proc (Linux; NaN elsewhere). */
function processCpuMicros(pid: number): number {
  try {
    // Fields after the parenthesised command name; utime and stime are the 12th and 13th, in clock ticks.
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return ((Number(fields[11]) + Number(fields[12])) * 1_000_000) / CLOCK_TICKS
  } catch {
    return Number.NaN
  }
}
const CLOCK_TICKS = 100

interface FetchRate {
  /** Median msg/s over the measured rounds. */
  rate: number
  /** Server and client CPU per message over all measured rounds, µs (less sensitive to other load than msg/s). */
  serverCpu: number
  clientCpu: number
}

/** Median msg/s of ROUNDS full-mailbox FETCHes (after `warmup` unmeasured rounds), and CPU per message. */
async function fetchRate(wire: Wire, items: string, warmup: number, serverPid: number): Promise<FetchRate> {
  const rates: number[] = []
  let serverCpu = 0
  let clientCpu = 0
  for (let round = 0; round < warmup + ROUNDS; round++) {
    const before = wire.fetches
    const serverBefore = processCpuMicros(serverPid)
    const clientBefore = process.cpuUsage()
    const start = performance.now()
    await wire.command(`FETCH 1:* ${items}`)
    const seconds = (performance.now() - start) / 1000
    if (wire.fetches - before !== MESSAGES) throw new Error(`FETCH answered ${wire.fetches - before} messages`)
    if (round < warmup) continue
    rates.push(MESSAGES / seconds)
    serverCpu += processCpuMicros(serverPid) - serverBefore
    const client = process.cpuUsage(clientBefore)
    clientCpu += client.user + client.system
  }
  const messages = ROUNDS * MESSAGES
  return { rate: median(rates), serverCpu: serverCpu / messages, clientCpu: clientCpu / messages }
}

async function appendRate(port: number): Promise<number> {
  const wires = await Promise.all(Array.from({ length: APPEND_CONNECTIONS }, () => login(port)))
  const body = message(1)
  const literal = Buffer.concat([Buffer.from(`APPEND INBOX {${body.length}+}\r\n`), body])
  let appended = 0
  const start = performance.now()
  const deadline = start + APPEND_SECONDS * 1000
  await Promise.all(
    wires.map(async wire => {
      while (performance.now() < deadline) {
        await wire.command(literal.toString('latin1'))
        appended++
      }
    }),
  )
  const seconds = (performance.now() - start) / 1000
  for (const wire of wires) wire.close()
  return appended / seconds
}

async function searchMs(port: number): Promise<number> {
  const wire = await login(port)
  await wire.command('EXAMINE Search')
  const times: number[] = []
  for (let i = 0; i < SEARCH_ROUNDS; i++) {
    wire.untagged = []
    const start = performance.now()
    await wire.command('SEARCH TEXT needle')
    times.push(performance.now() - start)
    const hits = (wire.untagged.find(l => l.startsWith('* SEARCH')) ?? '').split(' ').length - 2
    if (hits !== SEARCH_MESSAGES / 100) throw new Error(`SEARCH TEXT found ${hits} messages`)
  }
  wire.close()
  return median(times)
}

function rssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8')
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN) / 1024
}

async function idleRss(
  port: number,
  pid: number,
  gc: () => Promise<void>,
): Promise<{ before: number; with: number; seconds: number }> {
  await gc()
  const before = rssMb(pid)
  const start = performance.now()
  const wires: Wire[] = []
  for (let i = 0; i < IDLE; i += 250) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(250, IDLE - i) }, async () => {
        const wire = await login(port)
        await wire.command('SELECT INBOX')
        await wire.idle()
        return wire
      }),
    )
    wires.push(...batch)
  }
  const seconds = (performance.now() - start) / 1000
  await gc()
  const withIdle = rssMb(pid)
  for (const wire of wires) wire.close()
  return { before, with: withIdle, seconds }
}

function checkFileLimit(): void {
  const soft = Number(Bun.spawnSync(['sh', '-c', 'ulimit -n']).stdout.toString().trim())
  if (Number.isFinite(soft) && soft < IDLE + 500) {
    throw new Error(`ulimit -n is ${soft}; ${IDLE} IDLE connections need ${IDLE + 500} (run: ulimit -n ${IDLE + 500})`)
  }
}

async function client(): Promise<void> {
  checkFileLimit()
  const child = spawnServeChild(import.meta.path, ['--idle', String(IDLE), ...(FETCH_ONLY ? ['--fetch-only'] : [])])
  const guard = setTimeout(() => {
    console.error('imap bench timed out')
    child.kill()
    process.exit(1)
  }, TIME_LIMIT_MS)
  try {
    const { port, pid } = await readReadyLine<{ port: number; pid: number }>(child)
    // The child answers each `gc` request on stdout with a `gc` line.
    const reader = child.stdout.getReader()
    const gc = async () => {
      child.stdin.write('gc\n')
      child.stdin.flush()
      let reply = ''
      while (!reply.includes('gc\n')) {
        const { value, done } = await reader.read()
        if (done) throw new Error('server exited')
        reply += new TextDecoder().decode(value)
      }
    }
    const wire = await login(port)
    await wire.command('EXAMINE INBOX')
    const body = await fetchRate(wire, 'BODY.PEEK[]', 1, pid)
    const envelope = await fetchRate(wire, '(UID FLAGS ENVELOPE)', 1, pid)
    wire.close()
    const k = (n: number) => Math.round(n).toLocaleString('en-US')
    const cpu = (r: FetchRate) => `CPU/msg server ${r.serverCpu.toFixed(1)} µs, client ${r.clientCpu.toFixed(1)} µs`
    const fetchResults =
      `FETCH BODY.PEEK[] ${k(body.rate)} msg/s (target >= 31,000; ${cpu(body)}), ` +
      `FETCH (UID FLAGS ENVELOPE) ${k(envelope.rate)} msg/s (${cpu(envelope)})`
    if (FETCH_ONLY) {
      console.log(`imap: ${fetchResults}`)
      return
    }
    const search = await searchMs(port)
    const append = await appendRate(port)
    const idle = await idleRss(port, pid, gc)
    console.log(
      `imap: ${fetchResults}, ` +
        `APPEND ${k(append)} msg/s (target >= 1,000; ${APPEND_CONNECTIONS} connections, durable), ` +
        `SEARCH TEXT over ${k(SEARCH_MESSAGES)} ${search.toFixed(0)} ms, ` +
        `${k(IDLE)} IDLE connections ${idle.with.toFixed(0)} MB RSS (target <= 300; ${idle.before.toFixed(0)} MB before, set up in ${idle.seconds.toFixed(1)} s)`,
    )
  } catch (e) {
    console.error(`imap bench failed: ${e instanceof Error ? e.message : String(e)}`)
    process.exitCode = 1
  } finally {
    clearTimeout(guard)
    child.stdin.end()
    await child.exited
  }
}

if (args.serve) await serve()
else await client()
