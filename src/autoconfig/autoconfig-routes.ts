// HTTP routes that let mail clients configure themselves for a hosted domain, and the MTA-STS
// policy senders fetch (RFC 8461 §3.3). Every document is per domain — taken from the address in
// the request, or from the Host header (autoconfig.<domain>, autodiscover.<domain>,
// mta-sts.<domain>) — and a domain that is not hosted here (or disabled) gets a 404.
//   GET  /mail/config-v1.1.xml?emailaddress=…                 Thunderbird (and K-9, FairEmail)
//   GET  /.well-known/autoconfig/mail/config-v1.1.xml        Thunderbird, on the domain itself
//   POST /autodiscover/autodiscover.xml (and /Autodiscover/…) Outlook, POX protocol
//   GET  /apple/mobileconfig?email=…                          iOS/macOS configuration profile
//   GET  /.well-known/mta-sts.txt                             MTA-STS policy (mtaSts.enabled)
import type { Context, Hono } from 'hono'
import type { HttpMountContext } from '../api/mounts.ts'
import type { Config } from '../config/schema.ts'
import { appleMobileconfig, MOBILECONFIG_CONTENT_TYPE } from './apple-mobileconfig.ts'
import {
  autodiscoverError,
  autodiscoverResponse,
  MAX_AUTODISCOVER_REQUEST_BYTES,
  OUTLOOK_RESPONSE_SCHEMA,
  parseAutodiscoverRequest,
} from './autodiscover.ts'
import { resolveAccount } from './hosted-domain.ts'
import { mailEndpoints } from './mail-endpoints.ts'
import { mtaStsPolicy } from './mta-sts-policy.ts'
import { thunderbirdConfig } from './thunderbird-config.ts'

const XML = 'text/xml; charset=utf-8'

const notFound = (c: Context) => c.text('no mail service for this domain\n', 404)
const displayNameFor = (config: Config, domain: string) => config.autoconfig.displayName || domain

export function autoconfigMount(app: Hono, context: HttpMountContext): void {
  const { deps } = context
  const { config } = deps
  const domains = deps.storage.domains

  if (config.autoconfig.enabled) {
    const thunderbird = async (c: Context) => {
      const account = await resolveAccount(domains, c.req.query('emailaddress'), c.req.header('host'))
      if (account === null) return notFound(c)
      const body = thunderbirdConfig({
        domain: account.domain,
        displayName: displayNameFor(config, account.domain),
        endpoints: mailEndpoints(config),
      })
      return c.body(body, 200, { 'content-type': XML, 'cache-control': 'max-age=3600' })
    }
    app.get('/mail/config-v1.1.xml', thunderbird)
    app.get('/.well-known/autoconfig/mail/config-v1.1.xml', thunderbird)

    const autodiscover = async (c: Context) => {
      if (Number(c.req.header('content-length') ?? 0) > MAX_AUTODISCOVER_REQUEST_BYTES)
        return c.body(autodiscoverError(600, 'Invalid Request', deps.clock.date()), 413, { 'content-type': XML })
      const body = await c.req.text()
      const request = body.length <= MAX_AUTODISCOVER_REQUEST_BYTES ? parseAutodiscoverRequest(body) : null
      if (request === null)
        return c.body(autodiscoverError(600, 'Invalid Request', deps.clock.date()), 400, { 'content-type': XML })
      if (request.acceptableSchema !== OUTLOOK_RESPONSE_SCHEMA)
        return c.body(autodiscoverError(601, 'Provider is not available', deps.clock.date()), 200, {
          'content-type': XML,
        })
      const account = await resolveAccount(domains, request.email, undefined)
      if (account === null || account.email === null) return notFound(c)
      const xml = autodiscoverResponse(account.email, displayNameFor(config, account.domain), mailEndpoints(config))
      return c.body(xml, 200, { 'content-type': XML })
    }
    app.post('/autodiscover/autodiscover.xml', autodiscover)
    app.post('/Autodiscover/Autodiscover.xml', autodiscover)

    app.get('/apple/mobileconfig', async c => {
      const email = c.req.query('email') ?? c.req.query('emailaddress')
      if (!email)
        return c.text('the email query parameter is required (/apple/mobileconfig?email=you@example.org)\n', 400)
      const account = await resolveAccount(domains, email, undefined)
      if (account === null || account.email === null) return notFound(c)
      const dav = config.autoconfig.includeDav
        ? config.http.tlsEnabled
          ? { host: config.hostname, port: config.http.tlsPort, useSsl: true }
          : { host: config.hostname, port: config.http.port, useSsl: false }
        : null
      const profile = appleMobileconfig({
        email: account.email,
        domain: account.domain,
        displayName: displayNameFor(config, account.domain),
        endpoints: mailEndpoints(config),
        dav,
      })
      if (profile === null) return c.text('no TLS-capable mail listener is enabled\n', 503)
      return c.body(profile, 200, {
        'content-type': MOBILECONFIG_CONTENT_TYPE,
        'content-disposition': `attachment; filename="${account.domain}.mobileconfig"`,
        'cache-control': 'no-store',
      })
    })
  }

  if (config.mtaSts.enabled) {
    app.get('/.well-known/mta-sts.txt', async c => {
      // RFC 8461 §3.3: the policy host is "mta-sts" prepended to the Policy Domain.
      const host = c.req.header('host') ?? ''
      if (!host.toLowerCase().startsWith('mta-sts.')) return notFound(c)
      const account = await resolveAccount(domains, undefined, host, ['mta-sts.'])
      if (account === null) return notFound(c)
      // RFC 8461 §3.3: the policy is served with Content-Type text/plain.
      return c.body(mtaStsPolicy(config.mtaSts, config.hostname), 200, { 'content-type': 'text/plain; charset=utf-8' })
    })
  }
}
