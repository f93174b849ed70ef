// --set parsing, the CLI flag map, and string → schema type coercion.
import { describe, expect, test } from 'bun:test'
import { coerceConfigValue } from '../../../src/config/coerce-value.ts'
import { ConfigError } from '../../../src/config/config-error.ts'
import { flagLayer, parseSetFlag, readCliFlags } from '../../../src/config/config-flags.ts'
import { configKeys } from '../../../src/config/schema-leaves.ts'

describe('parseSetFlag', () => {
  const good: [string, string, string][] = [
    ['smtp.mx.port=2525', 'smtp.mx.port', '2525'],
    ['hostname=mx.example.org', 'hostname', 'mx.example.org'],
    ['monitoring.discordWebhookUrl=https://h/x?a=b', 'monitoring.discordWebhookUrl', 'https://h/x?a=b'],
    ['tls.certFile=', 'tls.certFile', ''],
    [' dataDir =./x', 'dataDir', './x'],
  ]
  test.each(good)('%s', (arg, key, value) => {
    expect(parseSetFlag(arg)).toEqual({ key, value, flag: '--set' })
  })

  test.each(['smtp.mx.port', '=2525', '', '  =x'])('rejects %p', arg => {
    expect(() => parseSetFlag(arg)).toThrow(ConfigError)
  })
})

describe('readCliFlags', () => {
  test('maps citty-style names, routes --config and --env-file, collects --set', () => {
    const cli = readCliFlags({
      'data-dir': './d',
      hostname: 'h.example',
      profile: 'production',
      config: '/etc/x.toml',
      'env-file': '/etc/mail/mail.env',
      set: ['smtp.mx.port=1', 'log.level=debug'],
      'smtp.maxErrors': '3',
      unset: undefined,
    })
    expect(cli.configPath).toBe('/etc/x.toml')
    expect(cli.envFile).toBe('/etc/mail/mail.env')
    expect(cli.issues).toEqual([])
    expect(cli.values).toEqual([
      { key: 'dataDir', value: './d', flag: '--data-dir' },
      { key: 'hostname', value: 'h.example', flag: '--hostname' },
      { key: 'profile', value: 'production', flag: '--profile' },
      { key: 'smtp.mx.port', value: '1', flag: '--set' },
      { key: 'log.level', value: 'debug', flag: '--set' },
      { key: 'smtp.maxErrors', value: '3', flag: '--smtp.max-errors' },
    ])
  })

  test('a single --set string works; a bad one is an issue, not an exception', () => {
    expect(readCliFlags({ set: 'dataDir=/x' }).values).toEqual([{ key: 'dataDir', value: '/x', flag: '--set' }])
    expect(readCliFlags({ set: ['oops'] }).issues).toHaveLength(1)
  })
})

describe('coercion to the schema type', () => {
  const leaf = (key: string) => {
    const l = configKeys.leaf(key)
    if (!l) throw new Error(`no leaf ${key}`)
    return l
  }
  const ok: [string, string, unknown][] = [
    ['smtp.mx.port', '2525', 2525],
    ['smtp.mx.port', ' 25 ', 25],
    ['smtp.mx.port', '+25', 25],
    ['smtp.mx.port', '1e3', 1000],
    ['smtp.mx.enabled', 'true', true],
    ['smtp.mx.enabled', 'TRUE', true],
    ['smtp.mx.enabled', '1', true],
    ['smtp.mx.enabled', 'yes', true],
    ['smtp.mx.enabled', 'on', true],
    ['smtp.mx.enabled', 'false', false],
    ['smtp.mx.enabled', '0', false],
    ['smtp.mx.enabled', 'No', false],
    ['smtp.mx.enabled', 'off', false],
    ['bind', '0.0.0.0', ['0.0.0.0']],
    ['bind', '127.0.0.1, ::1', ['127.0.0.1', '::1']],
    ['bind', '', []],
    ['dns.servers', '127.0.0.1:5353,[::1]:53,', ['127.0.0.1:5353', '[::1]:53']],
    ['delivery.method', 'Relay', 'relay'],
    ['tls.minVersion', 'tlsv1.3', 'TLSv1.3'],
    ['hostname', ' spaced ', ' spaced '],
    ['tls.certFile', '', ''],
  ]
  test.each(ok)('%s ← %p', (key, raw, expected) => {
    expect(coerceConfigValue(leaf(key), raw)).toEqual({ ok: true, value: expected })
  })

  const bad: [string, string, string][] = [
    ['smtp.mx.port', 'abc', 'expected an integer between 0 and 65535, got "abc"'],
    ['smtp.mx.port', '', 'got ""'],
    ['smtp.mx.port', '0x19', 'got "0x19"'],
    ['smtp.mx.port', '2.5', 'got "2.5"'],
    ['smtp.mx.port', 'Infinity', 'got "Infinity"'],
    ['smtp.mx.port', '99999999999999999999', 'got "99999999999999999999"'],
    ['smtp.mx.enabled', 'maybe', 'expected true or false'],
    ['smtp.mx.enabled', '', 'expected true or false'],
    ['delivery.method', 'sendmail', 'expected one of "direct", "ses", "relay", got "sendmail"'],
    ['log.format', 'xml', 'expected one of "auto", "json", "pretty"'],
  ]
  test.each(bad)('%s ← %p fails', (key, raw, message) => {
    const result = coerceConfigValue(leaf(key), raw)
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.message).toContain(message)
  })

  test('flagLayer labels values with the flag', () => {
    const layer = flagLayer([{ key: 'smtp.mx.port', value: '2626', flag: '--set' }])
    expect(layer.values.get('smtp.mx.port')).toEqual({ value: 2626, source: 'flag --set' })
    expect(layer.issues).toEqual([])
  })
})
