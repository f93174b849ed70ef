// Builds the outbound transport `delivery.method` names (issue 7 §2-3): direct to MX (with MTA-STS
// and TLS-RPT counting), a smarthost relay, or Amazon SES. The queue runner calls this once and
// hands every attempt to the result; close() at shutdown QUITs pooled connections and saves the
// TLS-RPT counters.
import type { Config } from '../../config/schema.ts'
import type { ServerDeps } from '../../core/server-deps.ts'
import { createDirectTransport } from '../direct/direct-transport.ts'
import type { PreferenceShuffle } from '../direct/resolve-mx-hosts.ts'
import { resolveHostAddresses } from '../direct/resolve-mx-hosts.ts'
import { createMtaStsPolicies } from '../mta-sts/mta-sts-policies.ts'
import { createStsPolicyCache } from '../mta-sts/sts-policy-cache.ts'
import { createRelayTransport } from '../relay/relay-transport.ts'
import { createCredentialProvider } from '../ses/aws-credentials.ts'
import { createSesTransport } from '../ses/ses-transport.ts'
import { type TrustStore, loadTrustStoreSync } from '../smtp-client/trust-store.ts'
import { type TlsReportStore, createTlsReportStore } from '../tls-rpt/tls-report-store.ts'
import { nullTlsRecorder } from '../tls-rpt/tls-result-recorder.ts'
import type { OutboundTransport } from './outbound-transport.ts'

export type TransportDeps = Pick<ServerDeps, 'logger' | 'clock' | 'resolver'> & {
  /** For the MTA-STS policy cache and TLS-RPT counters; without it both stay in memory / off. */
  storage?: Pick<ServerDeps['storage'], 'db'>
}

export interface TransportExtras {
  /** Use this trust store instead of reading delivery.trustedCaFiles. */
  trust?: TrustStore
  /** Count TLS results here instead of a store over deps.storage (tests). */
  tlsReports?: TlsReportStore
  /** Order of equal-preference MX hosts (tests: keep the DNS order). */
  shuffle?: PreferenceShuffle
  /** fetch for SES and IMDS (tests). */
  fetch?: typeof fetch
}

export function createOutboundTransport(
  deps: TransportDeps,
  config: Config,
  extras: TransportExtras = {},
): OutboundTransport {
  const d = config.delivery
  const trust = extras.trust ?? loadTrustStoreSync(d.trustedCaFiles)
  const heloName = d.heloName || config.hostname
  const timeouts = {
    connectTimeoutMs: d.connectTimeoutSeconds * 1000,
    commandTimeoutMs: d.commandTimeoutSeconds * 1000,
    dataTimeoutMs: d.dataTimeoutSeconds * 1000,
  }
  const pool = {
    maxPerHost: d.maxConnectionsPerHost,
    idleTimeoutMs: d.idleConnectionSeconds * 1000,
    maxMessagesPerConnection: d.maxMessagesPerConnection,
  }

  switch (d.method) {
    case 'ses':
      return createSesTransport({
        region: d.ses.region,
        endpoint: d.ses.endpoint,
        configurationSet: d.ses.configurationSet,
        credentials: createCredentialProvider({
          accessKeyId: d.ses.accessKeyId,
          secretAccessKey: d.ses.secretAccessKey,
          sessionToken: d.ses.sessionToken,
          imdsEndpoint: d.ses.imdsEndpoint,
          clock: deps.clock,
          timeoutMs: d.ses.timeoutSeconds * 1000,
          ...(extras.fetch ? { fetch: extras.fetch } : {}),
        }),
        clock: deps.clock,
        logger: deps.logger,
        timeoutMs: d.ses.timeoutSeconds * 1000,
        ...(extras.fetch ? { fetch: extras.fetch } : {}),
      })
    case 'relay':
      return createRelayTransport({
        host: d.relay.host,
        port: d.relay.port,
        tls: d.relay.tls,
        verifyCertificate: d.relay.verifyCertificate,
        username: d.relay.username,
        password: d.relay.password,
        resolver: deps.resolver,
        trust,
        logger: deps.logger,
        heloName,
        ...timeouts,
        pool,
      })
    case 'direct': {
      const ownStore = !extras.tlsReports && d.tlsRpt.enabled && deps.storage
      const tlsReports =
        extras.tlsReports ??
        (ownStore && deps.storage
          ? createTlsReportStore({ db: deps.storage.db, clock: deps.clock, logger: deps.logger })
          : undefined)
      const mtaSts = d.mtaSts.enabled
        ? createMtaStsPolicies({
            resolver: deps.resolver,
            cache: createStsPolicyCache({ clock: deps.clock, ...(deps.storage ? { db: deps.storage.db } : {}) }),
            http: {
              trust,
              resolveHost: name => resolveHostAddresses(deps.resolver, name),
              timeoutMs: d.mtaSts.fetchTimeoutSeconds * 1000,
              maxBodyBytes: 64 * 1024,
              portOverride: d.mtaSts.port === 443 ? undefined : d.mtaSts.port,
            },
            clock: deps.clock,
            logger: deps.logger,
            onFetchFailure: (domain, failure) =>
              tlsReports?.failure(
                { policyDomain: domain, policyType: 'no-policy-found', policyString: [], mxHost: [] },
                { resultType: failure.resultType, failureReasonCode: failure.reason.slice(0, 200) },
              ),
          })
        : null
      const direct = createDirectTransport({
        resolver: deps.resolver,
        logger: deps.logger,
        heloName,
        port: d.direct.port,
        ...timeouts,
        pool,
        tls: d.direct.tls,
        verifyDomains: d.direct.verifyDomains,
        trust,
        mtaSts,
        tlsReports: tlsReports ?? nullTlsRecorder,
        ...(extras.shuffle ? { shuffle: extras.shuffle } : {}),
      })
      return {
        name: direct.name,
        deliver: attempt => direct.deliver(attempt),
        async close() {
          await direct.close()
          if (ownStore) tlsReports?.close()
        },
      }
    }
  }
}
