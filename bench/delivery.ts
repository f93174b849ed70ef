// bench/delivery: outbound throughput from the queue to a loopback MX with DKIM signing (issue 7
// acceptance, target >= 1,000 msg/s on a 2-core VM). Prints one result line.
//
// The queue runner, the real direct transport (MX found through an in-process fake DNS server) and
// both DKIM signatures (RSA 2048 + Ed25519) run in this process; the MX is a child process (a minimal
// SMTP sink that answers 250 to everything, so the MX side costs little and does not share our
// event loop). `--messages` entries of `--size` bytes, one recipient each, spread over `--domains`
// recipient domains that all point at the sink, are queued first (not timed); then the runner is
// started and the time until the queue is empty is measured.
//
// Usage: bun run bench/delivery.ts [--messages 3000] [--size 4096] [--domains 4] [--no-dkim]
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'

const { values: args } = parseArgs({
  args: Bun.argv.slice(2),
  options: {
    messages: { type: 'string', default: '3000' },
    size: { type: 'string', default: '4096' },
    domains: { type: 'string', default: '4' },
    'no-dkim': { type: 'boolean', default: false },
    sink: { type: 'boolean', default: false },
  },
})
const MESSAGES = Number(args.messages)
const SIZE = Number(args.size)
const DOMAINS = Number(args.domains)
const TIME_LIMIT_MS = 120_000

if (args.sink) await sink()
else await bench()

/** Child: an SMTP sink on 127.0.0.1 (PIPELINING, 250 to everything); prints its port, exits when stdin closes. */
async function sink(): Promise<void> {
  const decoder = new TextDecoder()
  const server = Bun.listen<{ inData: boolean; text: string }>({
    hostname: '127.0.0.1',
    port: 0,
    socket: {
      open(s) {
        s.data = { inData: false, text: '' }
        s.write('220 sink.bench.test ESMTP\r\n')
      },
      data(s, chunk) {
        s.data.text += decoder.decode(chunk)
        let out = ''
        for (;;) {
          if (s.data.inData) {
            const end = s.data.text.indexOf('\r\n.\r\n')
            if (end < 0) break
            s.data.text = s.data.text.slice(end + 5)
            s.data.inData = false
            out += '250 2.0.0 ok\r\n'
            continue
          }
          const nl = s.data.text.indexOf('\r\n')
          if (nl < 0) break
          const line = s.data.text.slice(0, nl)
          s.data.text = s.data.text.slice(nl + 2)
          const verb = line.slice(0, 4).toUpperCase()
          if (verb === 'EHLO')
            out += '250-sink.bench.test\r\n250-PIPELINING\r\n250-8BITMIME\r\n250 ENHANCEDSTATUSCODES\r\n'
          else if (verb === 'DATA') {
            out += '354 go ahead\r\n'
            s.data.inData = true
            // A message may start right behind DATA (pipelined): treat it as the start of the data.
            s.data.text = `\r\n${s.data.text}`
          } else if (verb === 'QUIT') {
            out += '221 2.0.0 bye\r\n'
            s.write(out)
            s.end()
            return
          } else out += '250 2.0.0 ok\r\n'
        }
        if (out) s.write(out)
      },
    },
  })
  console.log(server.port)
  for await (const _ of Bun.stdin.stream()) {
    // run until the parent closes stdin
  }
  server.stop(true)
}

async function bench(): Promise<void> {
  const { systemClock } = await import('../src/core/clock.ts')
  const { silentLogger } = await import('../src/core/logger.ts')
  const { profileDefaults } = await import('../src/config/profile-defaults.ts')
  const { createLoginThrottle } = await import('../src/auth/login-throttle.ts')
  const { createStorage } = await import('../src/storage/index.ts')
  const { createOutboundQueue } = await import('../src/delivery/queue/outbound-queue.ts')
  const { createQueueRunnerService } = await import('../src/delivery/queue/queue-runner-factory.ts')
  const { createOutboundTransport } = await import('../src/delivery/transport/create-transport.ts')
  const { createDkimKeyStore } = await import('../src/delivery/dkim/dkim-key-store.ts')
  const { createResolver } = await import('../src/security/dns/resolver.ts')
  const { MetricsRegistry } = await import('../src/observability/metrics.ts')
  const { startFakeDns } = await import('../test/support/fake-dns.ts')

  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-delivery-'))
  const child = Bun.spawn([process.execPath, 'run', import.meta.path, '--sink'], {
    stdin: 'pipe',
    stdout: 'pipe',
    stderr: 'inherit',
  })
  let storage: Awaited<ReturnType<typeof createStorage>> | null = null
  let dns: Awaited<ReturnType<typeof startFakeDns>> | null = null
  try {
    const reader = child.stdout.getReader()
    const first = await reader.read()
    const port = Number(new TextDecoder().decode(first.value).trim())
    if (!Number.isInteger(port) || port <= 0) throw new Error('the SMTP sink did not start')

    const domains = Array.from({ length: DOMAINS }, (_, i) => `d${i}.bench.test`)
    dns = await startFakeDns(
      Object.fromEntries([
        ...domains.map(d => [d, { MX: [{ exchange: 'mx.bench.test', priority: 10 }] }]),
        ['mx.bench.test', { A: ['127.0.0.1'] }],
        // As in any real zone: the SOA makes the MX host's NODATA answer for AAAA cacheable (RFC
        // 2308 §5); without it every attempt asked the DNS server again.
        [
          'bench.test',
          {
            SOA: {
              mname: 'ns.bench.test',
              rname: 'hostmaster.bench.test',
              serial: 1,
              refresh: 3600,
              retry: 600,
              expire: 86400,
              minimum: 300,
            },
          },
        ],
      ]),
    )
    storage = await createStorage({ dataDir: work })
    await storage.domains.add('local.test')
    const config = profileDefaults('dev')
    config.hostname = 'mx.local.test'
    config.dataDir = work
    config.dns.servers = [dns.address]
    config.delivery.direct.port = port
    config.delivery.mtaSts.enabled = false
    config.delivery.tlsRpt.enabled = false
    config.dkim.enabled = !args['no-dkim']
    if (config.dkim.enabled) await createDkimKeyStore(storage, systemClock).ensure('local.test', config.dkim)
    const resolver = createResolver({ servers: [dns.address], timeoutMs: 2000, clock: systemClock })
    const deps = {
      config,
      logger: silentLogger,
      clock: systemClock,
      storage,
      certificates: null as never,
      resolver,
      metrics: new MetricsRegistry(),
      loginThrottle: createLoginThrottle({ clock: systemClock, failuresBeforeThrottle: 5 }),
      queue: createOutboundQueue({ storage, clock: systemClock }),
    }
    const filler = 'The quick brown fox jumps over the lazy dog, again and again and again.\r\n'
    // Setup is not measured: queue without per-commit syncs, many spool files at a time.
    storage.db.$client.run('PRAGMA synchronous = OFF')
    const enqueue = async (i: number) => {
      const head =
        `From: Bench <bench@local.test>\r\nTo: <r${i}@${domains[i % DOMAINS]}>\r\nSubject: bench ${i}\r\n` +
        `Message-ID: <bench-${i}@local.test>\r\nDate: ${new Date().toUTCString()}\r\n\r\n`
      const body = filler.repeat(Math.max(1, Math.ceil((SIZE - head.length) / filler.length)))
      await deps.queue.enqueue({
        sender: 'bench@local.test',
        recipients: [{ address: `r${i}@${domains[i % DOMAINS]}`, notify: ['NEVER'], orcpt: null }],
        content: new TextEncoder().encode(head + body),
      })
    }
    for (let i = 0; i < MESSAGES; i += 64)
      await Promise.all(Array.from({ length: Math.min(64, MESSAGES - i) }, (_, k) => enqueue(i + k)))
    storage.db.$client.run('PRAGMA synchronous = FULL')
    const runner = createQueueRunnerService(deps, createOutboundTransport(deps, config))
    const started = performance.now()
    const cpuBefore = process.cpuUsage()
    await runner.start()
    // A clearable timer, not Bun.sleep: a pending sleep keeps the process alive after the result
    // line until it fires (the bench used to linger for the whole TIME_LIMIT_MS).
    let limit: ReturnType<typeof setTimeout> | undefined
    await Promise.race([runner.drain(), new Promise(resolve => (limit = setTimeout(resolve, TIME_LIMIT_MS)))])
    clearTimeout(limit)
    const seconds = (performance.now() - started) / 1000
    // Process CPU (every thread of this process; the sink child excluded) per message: far less
    // sensitive to other load on the machine than msg/s.
    const cpu = process.cpuUsage(cpuBefore)
    await runner.stop(1000)
    const { queueStats } = await import('../src/delivery/queue/queue-stats.ts')
    const stats = queueStats(storage)
    const delivered = stats.byState.delivered
    const rate = Math.round(delivered / seconds)
    const cpuPerMessage = Math.round((cpu.user + cpu.system) / Math.max(1, delivered))
    console.log(
      `delivery: ${rate} msg/s queue → loopback MX (target >= 1000; ${delivered}/${MESSAGES} × ${SIZE} B to ${DOMAINS} domains in ${seconds.toFixed(1)} s, DKIM ${config.dkim.enabled ? 'rsa-sha256 + ed25519-sha256' : 'off'}, ${cpuPerMessage} µs CPU/msg${stats.depth > 0 ? `, ${stats.depth} left` : ''})`,
    )
  } catch (e) {
    console.error(`delivery bench failed: ${e instanceof Error ? e.message : String(e)}`)
    process.exitCode = 1
  } finally {
    child.stdin.end()
    await child.exited
    storage?.close()
    await dns?.close()
    fs.rmSync(work, { recursive: true, force: true })
  }
}
