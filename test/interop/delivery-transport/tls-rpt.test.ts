// TLS-RPT (RFC 8460): counters → the daily aggregate report (§4.4 JSON), delivered gzipped to the
// rua of `_smtp._tls.<domain>`: mailto: as a report message handed to the queue (§5.3), https: as
// a POST (§3) to a local HTTPS stub trusted through the test CA.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'bun:test'
import { gunzipSync } from 'node:zlib'
import PostalMime from 'postal-mime'
import { manualClock } from '../../../src/core/clock.ts'
import { silentLogger } from '../../../src/core/logger.ts'
import type { ServerDeps } from '../../../src/core/server-deps.ts'
import { resolveHostAddresses } from '../../../src/delivery/direct/resolve-mx-hosts.ts'
import { createTlsReportService } from '../../../src/delivery/tls-rpt/tls-report-service.ts'
import { createTlsReportStore } from '../../../src/delivery/tls-rpt/tls-report-store.ts'
import { type ReportSubmission, createTlsReporter } from '../../../src/delivery/tls-rpt/tls-reporter.ts'
import type { TlsPolicyRef } from '../../../src/delivery/tls-rpt/tls-result-recorder.ts'
import { createResolver } from '../../../src/security/dns/resolver.ts'
import { type DeliveryFixture, startDeliveryFixture } from './support/delivery-fixture.ts'

let fx: DeliveryFixture
let https: ReturnType<typeof Bun.serve>
const posted: { contentType: string | null; body: Uint8Array; path: string }[] = []

const DAY = '2026-03-14'
const STS: TlsPolicyRef = {
  policyDomain: 'example.test',
  policyType: 'sts',
  policyString: ['version: STSv1', 'mode: enforce', 'mx: mx.example.test', 'max_age: 86400'],
  mxHost: ['mx.example.test'],
}

beforeAll(async () => {
  fx = await startDeliveryFixture()
  const cert = await fx.ca.issue(['tlsrpt.example.test'])
  https = Bun.serve({
    hostname: '127.0.0.1',
    port: 0,
    tls: cert,
    async fetch(request) {
      posted.push({
        contentType: request.headers.get('content-type'),
        body: new Uint8Array(await request.arrayBuffer()),
        path: new URL(request.url).pathname,
      })
      return new Response('', { status: 201 })
    },
  })
})
afterAll(async () => {
  await https.stop(true)
  await fx.close()
})
beforeEach(() => {
  posted.length = 0
  fx.resetDatabase()
})

function setup(zone: Parameters<DeliveryFixture['dns']['setZone']>[0]) {
  fx.dns.setZone(zone)
  const clock = manualClock(Date.parse(`${DAY}T10:00:00Z`))
  const store = createTlsReportStore({ db: fx.storage.db, clock, flushIntervalMs: 0 })
  const submitted: ReportSubmission[] = []
  const resolver = createResolver({ servers: [fx.dns.address], timeoutMs: 2000, clock })
  const reporter = createTlsReporter({
    store,
    resolver,
    clock,
    logger: silentLogger,
    submitter: 'sender.example.test',
    organizationName: 'Sender Org',
    contactInfo: 'tlsrpt@sender.example.test',
    submit: async s => {
      submitted.push(s)
    },
    http: {
      trust: fx.trust,
      resolveHost: name => resolveHostAddresses(resolver, name),
      timeoutMs: 5000,
      maxBodyBytes: 65536,
    },
  })
  return { clock, store, reporter, submitted }
}

function record(store: ReturnType<typeof createTlsReportStore>) {
  for (let i = 0; i < 5; i++) store.success(STS)
  for (let i = 0; i < 2; i++)
    store.failure(STS, {
      resultType: 'certificate-expired',
      receivingMxHostname: 'mx.example.test',
      receivingIp: '192.0.2.7',
      failureReasonCode: 'CERT_HAS_EXPIRED',
    })
  store.failure(STS, { resultType: 'starttls-not-supported', receivingMxHostname: 'mx2.example.test' })
  store.flush()
}

describe('TLS-RPT reports', () => {
  test('an https: rua gets a POST of the gzipped RFC 8460 §4.4 JSON', async () => {
    const { clock, store, reporter } = setup({
      '_smtp._tls.example.test': { TXT: [`v=TLSRPTv1; rua=https://tlsrpt.example.test:${https.port}/v1/report`] },
      'tlsrpt.example.test': { A: ['127.0.0.1'] },
    })
    record(store)
    // The day is not over yet: nothing is sent.
    expect(await reporter.sendDueReports()).toEqual([])
    clock.set(Date.parse('2026-03-15T01:00:00Z'))
    const outcomes = await reporter.sendDueReports()
    expect(outcomes).toEqual([
      {
        day: DAY,
        policyDomain: 'example.test',
        result: 'sent',
        destinations: [`https://tlsrpt.example.test:${https.port}/v1/report`],
      },
    ])
    expect(posted).toHaveLength(1)
    expect(posted[0]?.contentType).toBe('application/tlsrpt+gzip')
    expect(posted[0]?.path).toBe('/v1/report')
    const report = JSON.parse(gunzipSync(posted[0]?.body ?? new Uint8Array()).toString())
    expect(report).toEqual({
      'organization-name': 'Sender Org',
      'date-range': { 'start-datetime': '2026-03-14T00:00:00Z', 'end-datetime': '2026-03-14T23:59:59Z' },
      'contact-info': 'tlsrpt@sender.example.test',
      'report-id': expect.stringContaining('example.test'),
      policies: [
        {
          policy: {
            'policy-type': 'sts',
            'policy-string': STS.policyString,
            'policy-domain': 'example.test',
            'mx-host': ['mx.example.test'],
          },
          summary: { 'total-successful-session-count': 5, 'total-failure-session-count': 3 },
          'failure-details': [
            {
              'result-type': 'certificate-expired',
              'receiving-mx-hostname': 'mx.example.test',
              'receiving-ip': '192.0.2.7',
              'failed-session-count': 2,
              'failure-reason-code': 'CERT_HAS_EXPIRED',
            },
            {
              'result-type': 'starttls-not-supported',
              'receiving-mx-hostname': 'mx2.example.test',
              'failed-session-count': 1,
            },
          ],
        },
      ],
    })
    // Sent once: the counters are gone.
    expect(await reporter.sendDueReports()).toEqual([])
  })

  test('a mailto: rua gets a multipart/report message through the queue callback', async () => {
    const { clock, store, reporter, submitted } = setup({
      '_smtp._tls.example.test': { TXT: ['v=TLSRPTv1;rua=mailto:tls-reports@example.test'] },
    })
    record(store)
    clock.set(Date.parse('2026-03-15T06:00:00Z'))
    const [outcome] = await reporter.sendDueReports()
    expect(outcome?.result).toBe('sent')
    expect(submitted).toHaveLength(1)
    expect(submitted[0]).toMatchObject({ sender: 'tlsrpt@sender.example.test', recipient: 'tls-reports@example.test' })
    const email = await PostalMime.parse(submitted[0]?.content ?? new Uint8Array())
    expect(email.subject).toMatch(/^Report Domain: example\.test Submitter: sender\.example\.test Report-ID: <.+>$/)
    const header = (name: string) => email.headers.find(h => h.key === name)?.value
    expect(header('tls-report-domain')).toBe('example.test')
    expect(header('tls-report-submitter')).toBe('sender.example.test')
    expect(header('content-type')).toContain('multipart/report')
    expect(header('content-type')).toContain('report-type="tlsrpt"')
    const attachment = email.attachments[0]
    expect(attachment?.mimeType).toBe('application/tlsrpt+gzip')
    const begin = Date.parse(`${DAY}T00:00:00Z`) / 1000
    expect(attachment?.filename).toMatch(
      new RegExp(`^sender\\.example\\.test!example\\.test!${begin}!${begin + 86400}!.+\\.json\\.gz$`),
    )
    const json = JSON.parse(gunzipSync(new Uint8Array(attachment?.content as ArrayBuffer)).toString())
    expect(json.policies[0].summary).toEqual({ 'total-successful-session-count': 5, 'total-failure-session-count': 3 })
  })

  test('a domain without a TLS-RPT record gets no report and its counters are dropped', async () => {
    const { clock, store, reporter, submitted } = setup({ 'example.test': { A: ['192.0.2.1'] } })
    record(store)
    clock.set(Date.parse('2026-03-15T06:00:00Z'))
    expect((await reporter.sendDueReports()).map(o => o.result)).toEqual(['no-record'])
    expect(submitted).toHaveLength(0)
    expect(store.pendingDays('2026-03-16')).toEqual([])
  })

  test('an unreachable https: rua keeps the counters for the next run', async () => {
    const { clock, store, reporter } = setup({
      '_smtp._tls.example.test': { TXT: ['v=TLSRPTv1; rua=https://127.0.0.1:9/report'] },
    })
    record(store)
    clock.set(Date.parse('2026-03-15T06:00:00Z'))
    expect((await reporter.sendDueReports()).map(o => o.result)).toEqual(['failed'])
    expect(store.pendingDays('2026-03-16')).toEqual([DAY])
  })
})

describe('the TLS-RPT background service', () => {
  test('sends due reports through deps.queue with NOTIFY=NEVER', async () => {
    fx.dns.setZone({ '_smtp._tls.example.test': { TXT: ['v=TLSRPTv1; rua=mailto:tls@example.test'] } })
    const clock = manualClock(Date.parse(`${DAY}T10:00:00Z`))
    const store = createTlsReportStore({ db: fx.storage.db, clock, flushIntervalMs: 0 })
    record(store)
    clock.set(Date.parse('2026-03-15T06:00:00Z'))
    const enqueued: unknown[] = []
    let done: () => void = () => {}
    const sent = new Promise<void>(resolve => (done = resolve))
    const deps = {
      config: fx.config(),
      logger: silentLogger,
      clock,
      storage: fx.storage,
      resolver: createResolver({ servers: [fx.dns.address], timeoutMs: 2000, clock }),
      queue: {
        enqueue: async (input: unknown) => {
          enqueued.push(input)
          done()
        },
      },
    } as unknown as ServerDeps
    const service = createTlsReportService(deps, { firstRunMs: 0 })
    await service.start()
    await sent
    await service.stop(1000)
    expect(enqueued).toEqual([
      expect.objectContaining({
        sender: 'postmaster@sender.example.test',
        recipients: [{ address: 'tls@example.test', notify: ['NEVER'], orcpt: null }],
      }),
    ])
  })
})
