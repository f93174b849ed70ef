// bench/smtp: SMTP throughput into one mailbox with durable delivery, and server memory at 1,000
// idle connections (issue 4 acceptance). Prints one result line.
//
// The compiled binary (`serve`, a temp data dir, every listener on port 0, loopback only) gets one
// account; then `--sessions` parallel clients each send `--messages` messages of `--size` bytes to
// that one mailbox, twice:
//   new-connection  connect, EHLO, MAIL+RCPT+DATA pipelined, message+QUIT pipelined, per message;
//   reused          one connection per client, RSET+MAIL+RCPT+DATA pipelined (RFC 2920), message.
// A message counts once the server answered 250 to its final dot, which it sends only after the
// file and its index row are durable. Each phase stops after `--seconds` and reports what it did.
// Targets on a 2-core VM: 2,000 msg/s new-connection, 4,000 msg/s reused (Postfix → Maildir ≈ 900).
//
// Usage: bun run bench/smtp.ts [--messages 5000] [--sessions 20] [--size 4096] [--seconds 60]
//                              [--idle 1000] [--bin path/to/mail-server] [--only new|reused]
// Without --bin a fresh binary is built into a temp dir (a stale dist/ would measure old code).
import type { Socket } from 'bun'
import fs from 'node:fs'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { benchWorkDir, fileCreateMicros } from './support/work-dir.ts'

const { values: args } = parseArgs({
  args: Bun.argv.slice(2),
  options: {
    messages: { type: 'string', default: '5000' },
    sessions: { type: 'string', default: '20' },
    size: { type: 'string', default: '4096' },
    seconds: { type: 'string', default: '60' },
    idle: { type: 'string', default: '1000' },
    bin: { type: 'string' },
    only: { type: 'string' },
  },
})
const MESSAGES = Number(args.messages)
const SESSIONS = Number(args.sessions)
const SIZE = Number(args.size)
const SECONDS = Number(args.seconds)
const IDLE = Number(args.idle)

const ROOT = path.resolve(import.meta.dir, '..')
const RECIPIENT = 'bench@bench.test'
const work = benchWorkDir('smtp-')
const dataDir = path.join(work, 'data')

// ---- a minimal SMTP client on raw sockets (a library client would measure itself) ----

class WireClient {
  private text = ''
  private codes: number[] = []
  private want = 0
  private wake: (() => void) | null = null
  private closed = false
  private queued: Uint8Array[] = []
  private socket!: Socket<undefined>

  static async connect(port: number): Promise<WireClient> {
    const client = new WireClient()
    client.socket = await Bun.connect({
      hostname: '127.0.0.1',
      port,
      socket: {
        data: (_s, chunk) => client.onData(chunk),
        drain: () => client.flush(),
        close: () => client.onClose(),
        error: () => client.onClose(),
      },
    })
    return client
  }

  /** Wait for the next `n` replies (multi-line replies count once) and return their codes. */
  async replies(n: number): Promise<number[]> {
    this.want = n
    while (this.codes.length < n) {
      if (this.closed) throw new Error(`connection closed after replies ${this.codes.join(',')}`)
      await new Promise<void>(resolve => {
        this.wake = resolve
      })
    }
    return this.codes.splice(0, n)
  }

  write(data: string | Uint8Array): void {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'latin1') : data
    if (this.queued.length > 0) {
      this.queued.push(bytes)
      return
    }
    const n = this.socket.write(bytes)
    if (n >= 0 && n < bytes.length) this.queued.push(bytes.subarray(n))
  }

  close(): void {
    this.socket.end()
  }

  private flush(): void {
    while (this.queued.length > 0) {
      const head = this.queued[0] as Uint8Array
      const n = this.socket.write(head)
      if (n < 0) return
      if (n < head.length) {
        this.queued[0] = head.subarray(n)
        return
      }
      this.queued.shift()
    }
  }

  private onData(chunk: Uint8Array): void {
    this.text += Buffer.from(chunk).toString('latin1')
    let start = 0
    for (;;) {
      const end = this.text.indexOf('\r\n', start)
      if (end < 0) break
      // RFC 5321 §4.2.1: "250-" continues a reply, "250 " (or a bare code) ends it.
      if (end - start === 3 || this.text[start + 3] === ' ') this.codes.push(Number(this.text.slice(start, start + 3)))
      start = end + 2
    }
    this.text = this.text.slice(start)
    if (this.codes.length >= this.want) this.wakeUp()
  }

  private onClose(): void {
    this.closed = true
    this.wakeUp()
  }

  private wakeUp(): void {
    const wake = this.wake
    this.wake = null
    wake?.()
  }
}

/** A `size`-byte message (CRLF lines of 76 characters) with its end-of-data marker. */
function benchMessage(size: number): Uint8Array {
  const head = `From: <sender@bench.client>\r\nTo: <${RECIPIENT}>\r\nSubject: bench\r\nMessage-ID: <bench@bench.client>\r\n\r\n`
  let body = ''
  while (head.length + body.length + 78 <= size) body += `${'x'.repeat(76)}\r\n`
  body += `${'y'.repeat(Math.max(0, size - head.length - body.length - 2))}\r\n`
  return Buffer.from(`${head}${body}.\r\n`, 'latin1')
}

const ENVELOPE = `MAIL FROM:<sender@bench.client>\r\nRCPT TO:<${RECIPIENT}>\r\nDATA\r\n`

interface PhaseResult {
  /** Server CPU per accepted message (µs): the event-loop thread, and the whole process. */
  mainCpuUs?: number
  processCpuUs?: number
  /** This process's CPU per accepted message (µs): the load generator shares the machine's cores. */
  clientCpuUs?: number
  accepted: number
  refused: number
  seconds: number
}

async function expectCodes(got: Promise<number[]>, want: number[], what: string): Promise<void> {
  const codes = await got
  if (codes.join() !== want.join()) throw new Error(`${what}: expected ${want.join(',')}, got ${codes.join(',')}`)
}

/** CPU time (ms) of the server's event-loop thread (its tid is the pid) and of the whole process. */
function serverCpuMs(pid: number): { main: number; process: number } {
  const ticks = (stat: string) => {
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return Number(fields[11]) + Number(fields[12]) // utime + stime, in clock ticks (100 Hz)
  }
  return {
    main: ticks(fs.readFileSync(`/proc/${pid}/task/${pid}/stat`, 'utf8')) * 10,
    process: ticks(fs.readFileSync(`/proc/${pid}/stat`, 'utf8')) * 10,
  }
}

async function runPhase(port: number, message: Uint8Array, reuse: boolean, pid: number): Promise<PhaseResult> {
  const cpuBefore = serverCpuMs(pid)
  const clientBefore = process.cpuUsage()
  const deadline = performance.now() + SECONDS * 1000
  let accepted = 0
  let refused = 0
  const start = performance.now()

  const newConnectionSession = async () => {
    for (let i = 0; i < MESSAGES && performance.now() < deadline; i++) {
      const c = await WireClient.connect(port)
      await expectCodes(c.replies(1), [220], 'greeting')
      c.write('EHLO bench.client\r\n')
      await expectCodes(c.replies(1), [250], 'EHLO')
      c.write(ENVELOPE)
      await expectCodes(c.replies(3), [250, 250, 354], 'MAIL/RCPT/DATA')
      c.write(message)
      c.write('QUIT\r\n')
      const [final] = await c.replies(2)
      if (final === 250) accepted++
      else refused++
      c.close()
    }
  }

  const reusedSession = async () => {
    const c = await WireClient.connect(port)
    await expectCodes(c.replies(1), [220], 'greeting')
    c.write('EHLO bench.client\r\n')
    await expectCodes(c.replies(1), [250], 'EHLO')
    for (let i = 0; i < MESSAGES && performance.now() < deadline; i++) {
      c.write(`RSET\r\n${ENVELOPE}`)
      await expectCodes(c.replies(4), [250, 250, 250, 354], 'RSET/MAIL/RCPT/DATA')
      c.write(message)
      const [final] = await c.replies(1)
      if (final === 250) accepted++
      else refused++
    }
    c.write('QUIT\r\n')
    await c.replies(1)
    c.close()
  }

  await Promise.all(Array.from({ length: SESSIONS }, reuse ? reusedSession : newConnectionSession))
  const seconds = (performance.now() - start) / 1000
  const cpu = serverCpuMs(pid)
  const perMessage = (ms: number) => Math.round((ms * 1000) / Math.max(1, accepted))
  return {
    accepted,
    refused,
    seconds,
    mainCpuUs: perMessage(cpu.main - cpuBefore.main),
    processCpuUs: perMessage(cpu.process - cpuBefore.process),
    clientCpuUs: perMessage(
      (process.cpuUsage().user - clientBefore.user + process.cpuUsage().system - clientBefore.system) / 1000,
    ),
  }
}

/** Server RSS (MB) with `count` connections open, greeted and past EHLO, then idle. */
async function idleRss(port: number, pid: number, count: number): Promise<{ before: number; with: number }> {
  await Bun.sleep(500)
  const before = rssMb(pid)
  const clients: WireClient[] = []
  for (let i = 0; i < count; i += 100) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(100, count - i) }, async () => {
        const c = await WireClient.connect(port)
        await expectCodes(c.replies(1), [220], 'greeting')
        c.write('EHLO idle.client\r\n')
        await expectCodes(c.replies(1), [250], 'EHLO')
        return c
      }),
    )
    clients.push(...batch)
  }
  await Bun.sleep(1000)
  const withIdle = rssMb(pid)
  for (const c of clients) c.close()
  return { before, with: withIdle }
}

function rssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8')
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN) / 1024
}

// ---- the server ----

async function binary(): Promise<string> {
  if (args.bin) return path.resolve(args.bin)
  const outfile = path.join(work, 'mail-server')
  const built = Bun.spawnSync([process.execPath, 'run', 'build.ts', '--outfile', outfile], {
    cwd: ROOT,
    stdout: 'ignore',
    stderr: 'inherit',
  })
  if (built.exitCode !== 0) throw new Error('build failed')
  return outfile
}

const listenerFlags = [
  'smtp.mx.port=0',
  'smtp.submission.port=0',
  'smtp.submissions.port=0',
  'imap.plain.port=0',
  'imap.tls.port=0',
  'pop3.plain.port=0',
  'pop3.tls.port=0',
  'managesieve.port=0',
  'http.port=0',
  'http.tlsPort=0',
  // Every bench client comes from 127.0.0.1; the per-address cap (50) would refuse the idle test.
  `limits.maxConnectionsPerIp=${IDLE + SESSIONS + 100}`,
  `limits.maxConnections=${IDLE + SESSIONS + 100}`,
]

async function startServer(bin: string): Promise<{ port: number; proc: Bun.Subprocess }> {
  const add = Bun.spawnSync([bin, 'user', 'add', RECIPIENT, '--password-stdin', '--data-dir', dataDir], {
    cwd: work,
    stdin: Buffer.from('bench password 1\n'),
    stdout: 'ignore',
    stderr: 'inherit',
  })
  if (add.exitCode !== 0) throw new Error('user add failed')
  // Logs at the default level (one line per message, as in production) go to a file, not a pipe
  // this process would have to drain.
  const log = fs.openSync(path.join(work, 'server.log'), 'w')
  const proc = Bun.spawn([bin, 'serve', '--data-dir', dataDir, ...listenerFlags.flatMap(f => ['--set', f])], {
    cwd: work,
    stdout: 'ignore',
    stderr: log,
  })
  const stateFile = path.join(dataDir, 'run', 'server.json')
  for (let i = 0; i < 200 && !fs.existsSync(stateFile); i++) {
    if (proc.exitCode !== null) break
    await Bun.sleep(50)
  }
  if (!fs.existsSync(stateFile))
    throw new Error(`serve did not start: ${fs.readFileSync(path.join(work, 'server.log'))}`)
  const state = JSON.parse(fs.readFileSync(stateFile, 'utf8')) as { listeners: { name: string; port: number }[] }
  const port = state.listeners.find(l => l.name === 'smtp')?.port
  if (!port) throw new Error('no MX listener in run/server.json')
  return { port, proc }
}

let server: Bun.Subprocess | null = null
try {
  const createMicros = fileCreateMicros(work)
  const started = await startServer(await binary())
  server = started.proc
  const idle = await idleRss(started.port, started.proc.pid, IDLE)
  const message = benchMessage(SIZE)
  const skipped: PhaseResult = { accepted: 0, refused: 0, seconds: 1 }
  const fresh = args.only === 'reused' ? skipped : await runPhase(started.port, message, false, started.proc.pid)
  const reused = args.only === 'new' ? skipped : await runPhase(started.port, message, true, started.proc.pid)
  const rate = (r: PhaseResult) => Math.round(r.accepted / r.seconds)
  const note = (r: PhaseResult) =>
    `${r.accepted} in ${r.seconds.toFixed(1)} s${r.refused > 0 ? `, ${r.refused} refused` : ''}${r.mainCpuUs === undefined ? '' : `, server CPU ${r.mainCpuUs} µs/msg event loop, ${r.processCpuUs} µs/msg process, client ${r.clientCpuUs} µs/msg`}`
  console.log(
    `smtp: new-connection ${rate(fresh)} msg/s, reused ${rate(reused)} msg/s (targets 2000/4000; ${SESSIONS} sessions × ${MESSAGES} × ${SIZE} B, durable, one mailbox; ${note(fresh)} / ${note(reused)}), RSS at ${IDLE} idle connections ${idle.with.toFixed(0)} MB (${idle.before.toFixed(0)} MB before); file create ${createMicros} µs (work-dir.ts)`,
  )
} catch (e) {
  console.error(`smtp bench failed: ${e instanceof Error ? e.message : String(e)}`)
  process.exitCode = 1
} finally {
  if (server) {
    server.kill('SIGTERM')
    await server.exited
  }
  fs.rmSync(work, { recursive: true, force: true })
}
