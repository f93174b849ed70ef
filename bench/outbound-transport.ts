// bench/outbound-transport: throughput of the direct transport alone (MX lookup through the memory
// resolver, our SMTP client, pipelining/BDAT, pooled connections) into a minimal loopback sink MX,
// plain and with STARTTLS. The queue engineer's bench adds the queue and DKIM on top; this one
// shows what the transport leaves them. Prints one result line.
//
// Usage: bun run bench/outbound-transport.ts [--messages 5000] [--concurrency 20] [--size 4096] [--seconds 30]
import type { Socket } from 'bun'
import { parseArgs } from 'node:util'
import { profileDefaults } from '../src/config/profile-defaults.ts'
import { systemClock } from '../src/core/clock.ts'
import { silentLogger } from '../src/core/logger.ts'
import { createOutboundTransport } from '../src/delivery/transport/create-transport.ts'
import { createMemoryResolver } from '../src/security/dns/memory-resolver.ts'
import { createSelfSignedCertificate } from '../src/security/tls/self-signed.ts'

const { values: args } = parseArgs({
  args: Bun.argv.slice(2),
  options: {
    messages: { type: 'string', default: '5000' },
    concurrency: { type: 'string', default: '20' },
    size: { type: 'string', default: '4096' },
    seconds: { type: 'string', default: '30' },
  },
})
const MESSAGES = Number(args.messages)
const CONCURRENCY = Number(args.concurrency)
const SIZE = Number(args.size)
const SECONDS = Number(args.seconds)

// ---- a sink MX: EHLO with PIPELINING/CHUNKING (+STARTTLS), accepts everything, counts messages ----
interface Sink {
  buffer: Buffer
  bdat: number
  upgraded: boolean
}

async function startSink(tls: { cert: string; key: string } | null) {
  let received = 0
  const ehlo = `250-sink.bench.test\r\n250-PIPELINING\r\n250-CHUNKING\r\n250-8BITMIME\r\n${tls ? '250-STARTTLS\r\n' : ''}250 SIZE 52428800\r\n`
  const feed = (s: Socket<Sink>, chunk: Uint8Array) => {
    const d = s.data
    d.buffer = d.buffer.length === 0 ? Buffer.from(chunk) : Buffer.concat([d.buffer, chunk])
    let out = ''
    for (;;) {
      if (d.bdat > 0) {
        if (d.buffer.length < d.bdat) break
        d.buffer = d.buffer.subarray(d.bdat)
        d.bdat = 0
        received++
        out += '250 2.0.0 ok\r\n'
        continue
      }
      const lf = d.buffer.indexOf(0x0a)
      if (lf < 0) break
      const line = d.buffer.subarray(0, lf).toString('latin1').trim()
      d.buffer = d.buffer.subarray(lf + 1)
      const verb = line.slice(0, 4).toUpperCase()
      if (verb === 'EHLO') out += s.data.upgraded ? ehlo.replace('250-STARTTLS\r\n', '') : ehlo
      else if (verb === 'BDAT') d.bdat = Number(line.split(' ')[1])
      else if (verb === 'STAR' && tls) {
        s.write(`${out}220 go\r\n`)
        s.data.upgraded = true
        const [, t] = s.upgradeTLS<Sink>({
          tls,
          data: { buffer: Buffer.alloc(0), bdat: 0, upgraded: true },
          socket: tlsHandlers,
        })
        void t
        return
      } else if (verb === 'QUIT') {
        s.write(`${out}221 bye\r\n`)
        s.end()
        return
      } else out += '250 ok\r\n'
    }
    if (out) s.write(out)
  }
  const handlers = (isTls: boolean) => ({
    open(s: Socket<Sink>) {
      if (isTls) return
      s.data = { buffer: Buffer.alloc(0), bdat: 0, upgraded: false }
      s.write('220 sink.bench.test ESMTP\r\n')
    },
    data(s: Socket<Sink>, chunk: Uint8Array) {
      if (!isTls && s.data.upgraded) return
      feed(s, chunk)
    },
  })
  const tlsHandlers = handlers(true)
  const server = Bun.listen<Sink>({ hostname: '127.0.0.1', port: 0, socket: handlers(false) })
  return { port: server.port, received: () => received, stop: () => server.stop(true) }
}

async function run(tls: boolean): Promise<{ sent: number; seconds: number }> {
  const certificate = tls ? await createSelfSignedCertificate({ hostname: 'mx.bench.test' }) : null
  const sink = await startSink(certificate)
  const config = profileDefaults('dev')
  config.hostname = 'sender.bench.test'
  config.delivery.direct.port = sink.port
  config.delivery.mtaSts.enabled = false
  config.delivery.tlsRpt.enabled = false
  const resolver = createMemoryResolver({
    'bench.test': { MX: [{ exchange: 'mx.bench.test', priority: 10 }] },
    'mx.bench.test': { A: ['127.0.0.1'] },
  })
  const transport = createOutboundTransport({ logger: silentLogger, clock: systemClock, resolver }, config)
  const body = new TextEncoder().encode(
    `From: <a@sender.bench.test>\r\nTo: <b@bench.test>\r\nSubject: bench\r\n\r\n${'x'.repeat(Math.max(0, SIZE - 80))}\r\n`,
  )
  const deadline = performance.now() + SECONDS * 1000
  let next = 0
  let sent = 0
  const start = performance.now()
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < MESSAGES && performance.now() < deadline) {
        const i = next++
        const [result] = await transport.deliver({
          queueId: `q${i}`,
          sender: 'a@sender.bench.test',
          domain: 'bench.test',
          recipients: [{ address: `user${i % 50}@bench.test`, notify: null, orcpt: null }],
          message: body,
          bodyType: null,
          smtputf8: false,
          requireTls: false,
          ret: null,
          envid: null,
        })
        if (result?.status !== 'delivered') throw new Error(`not delivered: ${result?.diagnostic}`)
        sent++
      }
    }),
  )
  const seconds = (performance.now() - start) / 1000
  await transport.close()
  sink.stop()
  return { sent, seconds }
}

const plain = await run(false)
const tls = await run(true)
const rate = (r: { sent: number; seconds: number }) => Math.round(r.sent / r.seconds)
console.log(
  `outbound-transport: ${rate(plain)} msg/s plain, ${rate(tls)} msg/s STARTTLS (${plain.sent}+${tls.sent} messages of ${SIZE} B, ${CONCURRENCY} in parallel, direct to a loopback MX)`,
)
