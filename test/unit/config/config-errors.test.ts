// Every bad value stops loading with a ConfigError naming the key, the value and the source.
import { afterAll, describe, expect, test } from 'bun:test'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { ConfigError, type ConfigIssue, formatConfigIssue } from '../../../src/config/config-error.ts'
import { type LoadConfigInput, loadConfig } from '../../../src/config/load.ts'
import { MailError } from '../../../src/core/errors.ts'

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'config-errors-'))
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

function issuesOf(input: Partial<LoadConfigInput>): ConfigIssue[] {
  try {
    loadConfig({ env: {}, cwd: dir, searchPaths: [], systemHostname: 'mx.example.org', ...input })
  } catch (e) {
    if (e instanceof ConfigError) return [...e.issues]
    throw e
  }
  throw new Error('expected a ConfigError')
}

describe('bad environment values name the variable and the key', () => {
  const rows: [string, string, string, string][] = [
    ['MAIL_SMTP_MX_PORT', 'abc', 'smtp.mx.port', 'expected an integer between 0 and 65535, got "abc"'],
    ['MAIL_SMTP_MX_PORT', '70000', 'smtp.mx.port', 'expected an integer between 0 and 65535, got 70000'],
    ['MAIL_SMTP_MX_PORT', '25.5', 'smtp.mx.port', 'expected an integer between 0 and 65535, got "25.5"'],
    ['MAIL_SMTP_MX_PORT', '', 'smtp.mx.port', 'expected an integer between 0 and 65535, got ""'],
    ['MAIL_SMTP_MX_PORT', '0x19', 'smtp.mx.port', 'got "0x19"'],
    ['SMTP_PORT', '-1', 'smtp.mx.port', 'expected an integer between 0 and 65535, got -1'],
    ['MAIL_SMTP_MAX_RECIPIENTS', '0', 'smtp.maxRecipients', 'expected a positive integer, got 0'],
    ['MAIL_LIMITS_MAX_LINE_LENGTH', '100', 'limits.maxLineLength', 'expected an integer of at least 512, got 100'],
    ['MAIL_SMTP_ALLOW_INSECURE_AUTH', 'maybe', 'smtp.allowInsecureAuth', 'expected true or false'],
    ['MAIL_PROFILE', 'staging', 'profile', 'expected one of "dev", "production", got "staging"'],
    ['SMTP_DELIVERY_METHOD', 'sendmail', 'delivery.method', 'expected one of "direct", "ses", "relay", got "sendmail"'],
    ['MAIL_HOSTNAME', 'bad_host', 'hostname', 'not a valid host name, got "bad_host"'],
    ['SMTP_HOSTNAME', '', 'hostname', 'got ""'],
    ['MAIL_BIND', '', 'bind', 'expected a non-empty comma-separated list'],
    ['MAIL_DNS_SERVERS', 'a b', 'dns.servers[0]', 'expected host or host:port ([v6]:port for IPv6), got "a b"'],
    ['MAIL_DNS_SERVERS', '127.0.0.1:53,[::1', 'dns.servers[1]', 'got "[::1"'],
    [
      'DISCORD_WEBHOOK_URL',
      'not a url',
      'monitoring.discordWebhookUrl',
      'expected a URL or an empty string, got "not a url"',
    ],
    ['MAIL_TLS_MIN_VERSION', 'TLSv1.1', 'tls.minVersion', 'expected one of "TLSv1.2", "TLSv1.3"'],
  ]
  test.each(rows)('%s=%p → %s', (variable, value, key, message) => {
    const issues = issuesOf({ env: { [variable]: value } })
    const issue = issues.find(i => i.key === key)
    expect(issue).toBeDefined()
    expect(issue?.source).toBe(`env ${variable}`)
    expect(issue?.message).toContain(message)
  })
})

describe('bad file and flag values name their source', () => {
  test('a file value of the wrong type', () => {
    const file = path.join(dir, 'types.toml')
    fs.writeFileSync(file, '[smtp.mx]\nport = "25"\n[http]\nenabled = 1\n')
    const issues = issuesOf({ configPath: file })
    expect(issues).toContainEqual({
      key: 'smtp.mx.port',
      source: `file ${file}`,
      message: 'expected an integer between 0 and 65535, got "25"',
    })
    expect(issues).toContainEqual({
      key: 'http.enabled',
      source: `file ${file}`,
      message: 'expected true or false, got 1',
    })
  })

  test('bad --set values, unknown keys, tables and malformed arguments', () => {
    const issues = issuesOf({ flags: { set: ['smtp.mx.port=abc', 'smtp.mx.prot=1', 'smtp.mx=1', 'novalue'] } })
    expect(issues).toContainEqual({
      key: 'smtp.mx.port',
      source: 'flag --set',
      message: 'expected an integer between 0 and 65535, got "abc"',
    })
    expect(issues).toContainEqual({
      key: 'smtp.mx.prot',
      source: 'flag --set',
      message: 'unknown key (did you mean "smtp.mx.port"?)',
    })
    expect(issues).toContainEqual({ key: 'smtp.mx', source: 'flag --set', message: 'is a table, not a value' })
    expect(issues).toContainEqual({ key: '', source: 'flag --set', message: 'expected --set key=value, got "novalue"' })
  })

  test('a shortcut flag is named as typed', () => {
    const issues = issuesOf({ flags: { hostname: 'no_underscores' } })
    expect(issues).toEqual([
      { key: 'hostname', source: 'flag --hostname', message: 'not a valid host name, got "no_underscores"' },
    ])
  })

  test('a bad env-file value names the variable, file and line', () => {
    const envFile = path.join(dir, 'bad.env')
    fs.writeFileSync(envFile, '# x\n\nSMTP_PORT=twenty-five\n')
    expect(issuesOf({ envFile })).toEqual([
      {
        key: 'smtp.mx.port',
        source: `env SMTP_PORT (${envFile}:3)`,
        message: 'expected an integer between 0 and 65535, got "twenty-five"',
      },
    ])
  })

  test('all problems are reported together', () => {
    const issues = issuesOf({
      env: { MAIL_SMTP_MX_PORT: 'x', MAIL_LOG_LEVEL: 'loud' },
      flags: { set: ['http.port=-5'] },
    })
    expect(issues.map(i => i.key).sort()).toEqual(['http.port', 'log.level', 'smtp.mx.port'])
  })
})

describe('ConfigError', () => {
  test('is a user MailError whose format() has one line per issue', () => {
    const issues = issuesOf({ env: { MAIL_SMTP_MX_PORT: 'abc', MAIL_HTTP_PORT: '99999' } })
    const error = new ConfigError(issues)
    expect(error).toBeInstanceOf(MailError)
    expect(error.kind).toBe('user')
    expect(error.codes.code).toBe('config_invalid')
    expect(error.format().split('\n')).toEqual([
      'config: smtp.mx.port: expected an integer between 0 and 65535, got "abc" (from env MAIL_SMTP_MX_PORT)',
      'config: http.port: expected an integer between 0 and 65535, got 99999 (from env MAIL_HTTP_PORT)',
    ])
  })

  test('an issue without a key names only the source', () => {
    expect(formatConfigIssue({ key: '', source: 'env-file /x:3', message: 'malformed line' })).toBe(
      'config: malformed line (from env-file /x:3)',
    )
  })
})
