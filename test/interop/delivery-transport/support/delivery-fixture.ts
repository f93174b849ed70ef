// Everything a transport test needs on loopback: the fake DNS server the resolver asks (config
// dns.servers), a test CA whose certificate is trusted through the extra-CA trust store, real
// SQLite storage (MTA-STS cache, TLS-RPT counters) in a temp dir, and a config whose remote MX port
// points at the fake MX. Transports built here are closed by close().
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { profileDefaults } from '../../../../src/config/profile-defaults.ts'
import type { Config } from '../../../../src/config/schema.ts'
import { type Clock, systemClock } from '../../../../src/core/clock.ts'
import { silentLogger } from '../../../../src/core/logger.ts'
import type { MxHost } from '../../../../src/delivery/direct/resolve-mx-hosts.ts'
import { type TrustStore, trustStoreFromPem } from '../../../../src/delivery/smtp-client/trust-store.ts'
import { type TlsReportStore, createTlsReportStore } from '../../../../src/delivery/tls-rpt/tls-report-store.ts'
import { type TransportExtras, createOutboundTransport } from '../../../../src/delivery/transport/create-transport.ts'
import type {
  OutboundAttempt,
  OutboundRecipient,
  OutboundTransport,
} from '../../../../src/delivery/transport/outbound-transport.ts'
import type { DnsZone } from '../../../../src/security/dns/dns-zone.ts'
import { type Resolver, createResolver } from '../../../../src/security/dns/resolver.ts'
import { mtaStsPolicies, tlsRptPolicies } from '../../../../src/storage/db/schema-delivery.ts'
import { type Storage, createStorage } from '../../../../src/storage/index.ts'
import { type FakeDns, startFakeDns } from '../../../support/fake-dns.ts'
import { type TestCa, createTestCa } from '../../../support/test-ca.ts'

export interface DeliveryFixture {
  dns: FakeDns
  ca: TestCa
  /** Trusts the test CA (plus the system roots). */
  trust: TrustStore
  /** The CA certificate as a file, for delivery.trustedCaFiles. */
  caFile: string
  /** A resolver over the fake DNS (its cache lives as long as the fixture). */
  resolver: Resolver
  storage: Storage
  dir: string
  /** dev defaults, DNS at the fake server, fast timeouts, hostname sender.example.test. */
  config(change?: (c: Config) => void): Config
  /** A transport over the fixture (closed by close()). TLS results go to `reports` if given. */
  transport(config: Config, extras?: TransportExtras, clock?: Clock): OutboundTransport
  /** Forget cached MTA-STS policies and TLS-RPT counters (tests share one database). */
  resetDatabase(): void
  /** A TLS-RPT store over the fixture's database (flushes only when asked). */
  reportStore(): TlsReportStore
  close(): Promise<void>
}

/** Keep MX hosts of equal preference in DNS order, so tests are deterministic. */
export const keepOrder = (hosts: MxHost[]) => hosts

let caPromise: Promise<TestCa> | null = null
/** One CA per test process: key generation is the slow part. */
export const sharedTestCa = () => (caPromise ??= createTestCa())

export async function startDeliveryFixture(zone: DnsZone = {}): Promise<DeliveryFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'delivery-transport-'))
  const dns = await startFakeDns(zone)
  const ca = await sharedTestCa()
  const caFile = join(dir, 'test-ca.pem')
  writeFileSync(caFile, ca.certPem)
  const trust = trustStoreFromPem([ca.certPem])
  const resolver = createResolver({ servers: [dns.address], timeoutMs: 2000, clock: systemClock })
  const storage = await createStorage({ dataDir: join(dir, 'data'), hostname: 'sender.example.test' })
  const transports: OutboundTransport[] = []

  return {
    dns,
    ca,
    trust,
    caFile,
    resolver,
    storage,
    dir,
    config(change) {
      const config = profileDefaults('dev')
      config.hostname = 'sender.example.test'
      config.dataDir = join(dir, 'data')
      config.dns.servers = [dns.address]
      config.delivery.connectTimeoutSeconds = 5
      config.delivery.commandTimeoutSeconds = 5
      config.delivery.dataTimeoutSeconds = 5
      config.delivery.mtaSts.fetchTimeoutSeconds = 5
      change?.(config)
      return config
    },
    transport(config, extras = {}, clock = systemClock) {
      // A fresh resolver (and answer cache) per transport: tests change the zone between transports.
      const fresh = createResolver({ servers: [dns.address], timeoutMs: 2000, clock })
      const transport = createOutboundTransport({ logger: silentLogger, clock, resolver: fresh, storage }, config, {
        trust,
        shuffle: keepOrder,
        ...extras,
      })
      transports.push(transport)
      return transport
    },
    resetDatabase() {
      storage.db.delete(mtaStsPolicies).run()
      storage.db.delete(tlsRptPolicies).run()
    },
    reportStore: () => createTlsReportStore({ db: storage.db, clock: systemClock, flushIntervalMs: 0 }),
    async close() {
      for (const t of transports) await t.close()
      await dns.close()
      storage.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

let counter = 0

/** An attempt for `recipients` (addresses in one domain) with a small message. */
export function makeAttempt(
  recipients: (string | OutboundRecipient)[],
  change: Partial<OutboundAttempt> = {},
): OutboundAttempt {
  const list = recipients.map(r => (typeof r === 'string' ? { address: r, notify: null, orcpt: null } : r))
  const domain = list[0]?.address.split('@')[1] ?? 'example.test'
  const message = new TextEncoder().encode(
    `From: <ann@sender.example.test>\r\nTo: <${list[0]?.address}>\r\nSubject: test ${++counter}\r\nMessage-ID: <${counter}@sender.example.test>\r\n\r\nHello\r\n.starts with a dot\r\n`,
  )
  return {
    queueId: `q-test-${counter}`,
    sender: 'ann@sender.example.test',
    domain,
    recipients: list,
    message,
    bodyType: null,
    smtputf8: false,
    requireTls: false,
    ret: null,
    envid: null,
    ...change,
  }
}
