// The TOML layer: nested tables, dotted keys, unknown keys, syntax errors with a line number.
import { describe, expect, test } from 'bun:test'
import { ConfigError } from '../../../src/config/config-error.ts'
import { locateTomlError, tomlLayer } from '../../../src/config/toml-file.ts'

const flat = (text: string) => {
  const layer = tomlLayer(text, 'mail-server.toml')
  return { values: Object.fromEntries([...layer.values].map(([k, v]) => [k, v.value])), issues: layer.issues }
}

describe('tomlLayer', () => {
  test('tables, dotted keys and inline tables all reach the same keys', () => {
    const text = [
      'hostname = "mx.example.org"',
      'smtp.maxRecipients = 20',
      '[smtp.mx]',
      'port = 25',
      '[dns]',
      'servers = ["127.0.0.1:5353", "[::1]:53"]',
      'timeoutMs = 2000',
      '[imap]',
      'tls = { enabled = false, port = 993 }',
    ].join('\n')
    expect(flat(text)).toEqual({
      values: {
        hostname: 'mx.example.org',
        'smtp.maxRecipients': 20,
        'smtp.mx.port': 25,
        'dns.servers': ['127.0.0.1:5353', '[::1]:53'],
        'dns.timeoutMs': 2000,
        'imap.tls.enabled': false,
        'imap.tls.port': 993,
      },
      issues: [],
    })
  })

  test('every value is labelled with the file', () => {
    const layer = tomlLayer('hostname = "a.example"', '/etc/mail/mail-server.toml')
    expect(layer.values.get('hostname')?.source).toBe('file /etc/mail/mail-server.toml')
  })

  const unknown: [string, string, string][] = [
    ['top-level typo', 'hostnme = "x"', 'hostname'],
    ['nested typo', '[smtp.mx]\nprot = 25', 'smtp.mx.port'],
    ['unknown table', '[imapp]\nmaxLiteralSize = 1', ''],
    ['snake case instead of camel case', '[smtp]\nmax_recipients = 5', 'smtp.maxRecipients'],
  ]
  test.each(unknown)('unknown key: %s', (_name, text, suggestion) => {
    const { issues } = flat(text)
    expect(issues).toHaveLength(1)
    expect(issues[0]?.message).toStartWith('unknown key')
    if (suggestion) expect(issues[0]?.message).toContain(`did you mean "${suggestion}"?`)
    expect(issues[0]?.source).toBe('file mail-server.toml')
  })

  test('a value where a table belongs and a table where a value belongs', () => {
    expect(flat('smtp = 25').issues).toEqual([
      { key: 'smtp', source: 'file mail-server.toml', message: 'expected a table ([smtp]), got 25' },
    ])
    expect(flat('[hostname]\na = 1').issues).toEqual([
      { key: 'hostname', source: 'file mail-server.toml', message: 'expected a value, got a table' },
    ])
  })
})

describe('TOML syntax errors', () => {
  const rows: [string, string, number][] = [
    ['missing value', 'hostname = "a"\n\n\nport = = 2', 4],
    ['unterminated string', 'a = 1\nb = 2\nc = "open\n', 3],
    ['redefined table', '[smtp]\nmaxErrors = 1\n[smtp]\nmaxErrors = 2', 3],
    ['bare word', 'hostname = mx.example.org', 1],
    ['duplicate key', 'x = 1\ny = 2\nx = 3', 3],
  ]
  test.each(rows)('%s', (_name, text, line) => {
    try {
      tomlLayer(text, '/etc/mail/mail-server.toml')
      throw new Error('expected a ConfigError')
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError)
      const issue = (e as ConfigError).issues[0]
      expect(issue?.source).toBe(`file /etc/mail/mail-server.toml:${line}`)
      expect(issue?.message).toStartWith(`TOML syntax error at line ${line}: `)
    }
  })

  test('locateTomlError finds the first failing line, not a later one', () => {
    const text = 'a = 1\nb = [\n  1,\n  2,\n]\nc = = 3\n'
    let message = ''
    try {
      Bun.TOML.parse(text)
    } catch (e) {
      message = (e as Error).message.replace(/^TOML Parse error:\s*/, '')
    }
    expect(message).not.toBe('')
    expect(locateTomlError(text, message)).toBe(6)
  })
})
