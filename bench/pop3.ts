// bench/pop3: RETR throughput. A server (startServer, in a child process so client and server do
// not share one event loop) holds 1,000 messages of 4 KiB in one INBOX; one client connection on
// loopback logs in, runs STAT (sizes measured, not timed), then sends RETR 1..1000 pipelined
// (RFC 2449 PIPELINING) with a bounded window and counts complete responses; five rounds, the
// median is reported.
// Plaintext with pop3.allowInsecureAuth (loopback only), as Dovecot's figure is measured.
// Target: >= 7,000 msg/s (Dovecot on this machine class). Prints one result line.
// Usage: bun run bench/pop3.ts
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { readReadyLine, spawnServeChild } from './support/serve-child.ts'

const MESSAGES = 1000
const MESSAGE_BYTES = 4096
const WINDOW = 64
/** RETR 1..MESSAGES this many times in the session; the median round is reported (a shared machine is noisy). */
const ROUNDS = 5
const TIME_LIMIT_MS = 60_000
const PASSWORD = 'bench password'
const EMAIL = 'bench@bench.test'

if (process.argv[2] === '--serve') await serve()
else await client()

/** Child: start the server with messages in place, print the port, run until stdin closes. */
async function serve(): Promise<void> {
  const { loadConfig } = await import('../src/config/load.ts')
  const { silentLogger } = await import('../src/core/logger.ts')
  const { startServer } = await import('../src/core/server.ts')
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-pop3-'))
  const ports = ['smtp.mx', 'smtp.submission', 'smtp.submissions', 'imap.plain', 'imap.tls', 'pop3.plain', 'pop3.tls']
  const set = [...ports.map(p => `${p}.port=0`), 'managesieve.port=0', 'http.port=0', 'http.tlsPort=0']
  const { config } = loadConfig({
    flags: { set: [...set, 'pop3.allowInsecureAuth=true'], 'data-dir': dir },
    env: {},
    cwd: dir,
    searchPaths: [],
  })
  const server = await startServer(config, silentLogger)
  try {
    const { storage } = server.deps
    await storage.domains.add('bench.test')
    const account = await storage.accounts.create({ email: EMAIL, password: PASSWORD })
    for (let i = 0; i < MESSAGES; i++)
      await storage.messages.append({ accountId: account.id, mailbox: 'INBOX', content: message(i) })
    const port = server.mail.listeners().find(l => l.name === 'pop3')?.port
    process.stdout.write(`${JSON.stringify({ port })}\n`)
    for await (const _ of Bun.stdin.stream()) {
      // The parent closes stdin when it is done.
    }
  } finally {
    await server.stop(1000)
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

function message(i: number): Uint8Array {
  let text = `From: <a@bench.test>\r\nTo: <${EMAIL}>\r\nSubject: bench ${i}\r\nMessage-ID: <${i}@bench.test>\r\n\r\n`
  while (text.length < MESSAGE_BYTES - 80) text += `${i} ${'lorem ipsum dolor sit amet '.repeat(2)}\r\n`
  return new TextEncoder().encode(text.padEnd(MESSAGE_BYTES - 2, '.') + '\r\n')
}

/** Parent: spawn the server, drive one connection, print the result line. */
async function client(): Promise<void> {
  const child = spawnServeChild(import.meta.path)
  const guard = setTimeout(() => {
    console.log('pop3: RETR timed out (target >= 7000)')
    child.kill()
    process.exit(1)
  }, TIME_LIMIT_MS)
  try {
    const { port } = await readReadyLine<{ port: number }>(child)
    const rate = await retrieveAll(port)
    console.log(`pop3: RETR ${Math.round(rate)} msg/s (target >= 7000)`)
  } finally {
    clearTimeout(guard)
    child.stdin.end()
    await child.exited
  }
}

/** Median messages per second of ROUNDS rounds of RETR 1..MESSAGES over one connection. */
async function retrieveAll(port: number): Promise<number> {
  const decoder = new TextDecoder('latin1')
  let buffer = ''
  let waiter: (() => void) | null = null
  let completed = 0
  let counting = false
  let tail = ''
  let bytes = 0
  const socket = await Bun.connect({
    hostname: '127.0.0.1',
    port,
    socket: {
      data(_s, chunk) {
        if (counting) {
          // Count response terminators, also across chunk boundaries.
          bytes += chunk.length
          const text = tail + decoder.decode(chunk)
          let at = text.indexOf('\r\n.\r\n')
          while (at >= 0) {
            completed++
            at = text.indexOf('\r\n.\r\n', at + 5)
          }
          tail = text.slice(-4)
          pump()
        } else buffer += decoder.decode(chunk)
        waiter?.()
      },
    },
  })
  const line = async (): Promise<string> => {
    while (!buffer.includes('\r\n')) await new Promise<void>(r => (waiter = r))
    const end = buffer.indexOf('\r\n')
    const out = buffer.slice(0, end)
    buffer = buffer.slice(end + 2)
    return out
  }
  const command = async (text: string) => {
    socket.write(`${text}\r\n`)
    const reply = await line()
    if (!reply.startsWith('+OK')) throw new Error(`${text.split(' ')[0]} failed: ${reply}`)
    return reply
  }
  await line() // greeting
  await command(`USER ${EMAIL}`)
  await command(`PASS ${PASSWORD}`)
  const stat = await command('STAT')
  if (!stat.startsWith(`+OK ${MESSAGES} `)) throw new Error(`unexpected STAT: ${stat}`)

  let sent = 0
  let target = 0
  const pump = () => {
    let batch = ''
    while (sent < target && sent - completed < WINDOW) batch += `RETR ${(sent++ % MESSAGES) + 1}\r\n`
    if (batch) socket.write(batch)
  }
  counting = true
  const rates: number[] = []
  for (let round = 0; round < ROUNDS; round++) {
    target += MESSAGES
    const start = performance.now()
    pump()
    while (completed < target) await new Promise<void>(r => (waiter = r))
    rates.push(MESSAGES / ((performance.now() - start) / 1000))
  }
  counting = false
  socket.write('QUIT\r\n')
  socket.end()
  if (bytes < ROUNDS * MESSAGES * MESSAGE_BYTES) throw new Error(`received only ${bytes} bytes`)
  return rates.sort((a, b) => a - b)[Math.floor(ROUNDS / 2)] as number
}
