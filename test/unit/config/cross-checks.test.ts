// Rules spanning keys, run after every value passed zod.
import { describe, expect, test } from 'bun:test'
import os from 'node:os'
import { ConfigError, type ConfigIssue } from '../../../src/config/config-error.ts'
import { checkConfig, configWarnings } from '../../../src/config/cross-checks.ts'
import { enabledListenerPorts } from '../../../src/config/listeners.ts'
import { loadConfig } from '../../../src/config/load.ts'
import { profileDefaults } from '../../../src/config/profile-defaults.ts'

const cwd = os.tmpdir()
function issuesFor(env: Record<string, string>): ConfigIssue[] {
  try {
    loadConfig({ env, cwd, searchPaths: [], systemHostname: 'mx.example.org' })
  } catch (e) {
    if (e instanceof ConfigError) return [...e.issues]
    throw e
  }
  return []
}

describe('cross-field errors', () => {
  test('tls.certFile without tls.keyFile, and the reverse', () => {
    expect(issuesFor({ MAIL_TLS_CERT_FILE: '/c.pem' })).toEqual([
      {
        key: 'tls.keyFile',
        source: 'env MAIL_TLS_CERT_FILE',
        message:
          'tls.certFile is set but tls.keyFile is empty; set both (certificate chain and private key) or neither (self-signed certificate)',
      },
    ])
    expect(issuesFor({ SMTP_TLS_KEY_PATH: '/k.pem' }).map(i => [i.key, i.source])).toEqual([
      ['tls.certFile', 'env SMTP_TLS_KEY_PATH'],
    ])
    expect(issuesFor({ MAIL_TLS_CERT_FILE: '/c.pem', MAIL_TLS_KEY_FILE: '/k.pem' })).toEqual([])
  })

  test('relay delivery needs a relay host', () => {
    expect(issuesFor({ MAIL_DELIVERY_METHOD: 'relay' })).toEqual([
      {
        key: 'delivery.relay.host',
        source: 'env MAIL_DELIVERY_METHOD',
        message: 'delivery.method is "relay" but no relay host is set',
      },
    ])
    expect(issuesFor({ MAIL_DELIVERY_METHOD: 'relay', MAIL_DELIVERY_RELAY_HOST: 'smtp.example.net' })).toEqual([])
    expect(issuesFor({ MAIL_DELIVERY_RELAY_PORT: '0' })).toEqual([]) // ignored unless relaying
  })

  test('production refuses hostname localhost', () => {
    const issues = issuesFor({ MAIL_PROFILE: 'production', MAIL_HOSTNAME: 'localhost' })
    expect(issues).toHaveLength(1)
    expect(issues[0]?.key).toBe('hostname')
    expect(issues[0]?.source).toBe('env MAIL_HOSTNAME')
    expect(issues[0]?.message).toContain('production profile needs the public host name')
    expect(issuesFor({ MAIL_HOSTNAME: 'localhost' })).toEqual([]) // dev is fine
  })

  test('enabled listeners may not share a port; disabled ones and port 0 may', () => {
    expect(issuesFor({ MAIL_IMAP_PLAIN_PORT: '2525' })).toEqual([
      {
        key: 'imap.plain.port',
        source: 'env MAIL_IMAP_PLAIN_PORT',
        message: 'port 2525 is already used by smtp.mx.port',
      },
    ])
    expect(issuesFor({ MAIL_IMAP_PLAIN_PORT: '2525', MAIL_SMTP_MX_ENABLED: 'false' })).toEqual([])
    expect(issuesFor({ MAIL_IMAP_PLAIN_PORT: '0', MAIL_SMTP_MX_PORT: '0' })).toEqual([])
    expect(issuesFor({ MAIL_HTTP_PORT: '2993' }).map(i => i.key)).toEqual(['http.port'])
    expect(issuesFor({ MAIL_HTTP_TLS_PORT: '2993' })).toEqual([]) // HTTPS is off in dev
    expect(issuesFor({ MAIL_HTTP_TLS_PORT: '2993', MAIL_HTTP_TLS_ENABLED: 'true' }).map(i => i.key)).toEqual([
      'http.tlsPort',
    ])
  })

  test('DNS server ports must be 1–65535', () => {
    expect(issuesFor({ MAIL_DNS_SERVERS: '127.0.0.1:53,[::1]:99999,10.0.0.1:0' })).toEqual([
      {
        key: 'dns.servers[1]',
        source: 'env MAIL_DNS_SERVERS',
        message: 'port must be between 1 and 65535, got "[::1]:99999"',
      },
      {
        key: 'dns.servers[2]',
        source: 'env MAIL_DNS_SERVERS',
        message: 'port must be between 1 and 65535, got "10.0.0.1:0"',
      },
    ])
  })

  test('the profile defaults pass every check', () => {
    const production = { ...profileDefaults('production'), hostname: 'mx.example.org' }
    expect(checkConfig(profileDefaults('dev'), () => 'default')).toEqual([])
    expect(checkConfig(production, () => 'default')).toEqual([])
  })
})

describe('warnings', () => {
  test('dev bound to a public address, insecure auth and a short name in production', () => {
    expect(configWarnings(profileDefaults('dev'))).toEqual([])
    expect(configWarnings({ ...profileDefaults('dev'), bind: ['127.0.0.2', '::1', 'localhost'] })).toEqual([])
    expect(configWarnings({ ...profileDefaults('dev'), bind: ['127.0.0.1', '192.0.2.1'] })[0]).toContain(
      'listens on 192.0.2.1',
    )
    const production = { ...profileDefaults('production'), hostname: 'mx.example.org' }
    expect(configWarnings(production)).toEqual([])
    expect(configWarnings({ ...production, smtp: { ...production.smtp, allowInsecureAuth: true } })[0]).toStartWith(
      'smtp.allowInsecureAuth',
    )
    expect(configWarnings({ ...production, hostname: 'mailhost' })[0]).toContain('not fully qualified')
    expect(configWarnings({ ...production, smtp: { ...production.smtp, trap: true } })[0]).toStartWith('smtp.trap')
    expect(configWarnings({ ...profileDefaults('dev'), smtp: { ...profileDefaults('dev').smtp, trap: true } })).toEqual(
      [],
    )
  })
})

test('enabledListenerPorts lists the enabled listeners with their keys', () => {
  const dev = profileDefaults('dev')
  expect(enabledListenerPorts(dev).map(l => `${l.key}=${l.port}`)).toEqual([
    'smtp.mx.port=2525',
    'smtp.submission.port=2587',
    'smtp.submissions.port=2465',
    'imap.plain.port=2143',
    'imap.tls.port=2993',
    'pop3.plain.port=2110',
    'pop3.tls.port=2995',
    'managesieve.port=24190',
    'http.port=8080',
  ])
  expect(enabledListenerPorts({ ...dev, http: { ...dev.http, enabled: false } }).map(l => l.key)).not.toContain(
    'http.port',
  )
})
