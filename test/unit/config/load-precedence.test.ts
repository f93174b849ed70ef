// Layering: flag > env > env file > TOML file > profile defaults, key by key, with sources.
import { afterAll, describe, expect, test } from 'bun:test'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { ConfigError } from '../../../src/config/config-error.ts'
import { type LoadConfigInput, loadConfig } from '../../../src/config/load.ts'

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'config-precedence-'))
afterAll(() => fs.rmSync(root, { recursive: true, force: true }))

let counter = 0
function tempDir(): string {
  const dir = path.join(root, String(counter++))
  fs.mkdirSync(dir)
  return dir
}

function writeFile(dir: string, name: string, text: string): string {
  const file = path.join(dir, name)
  fs.writeFileSync(file, text)
  return file
}

const load = (input: Partial<LoadConfigInput> & { cwd: string }) =>
  loadConfig({ env: {}, searchPaths: [], systemHostname: 'mx.example.org', ...input })

interface Case {
  key: string
  toml: string
  envVar: string
  envValue: string
  flagValue: string
  fileExpected: unknown
  envExpected: unknown
  flagExpected: unknown
  devDefault: unknown
}

const get = (config: object, key: string): unknown =>
  key.split('.').reduce<unknown>((node, part) => (node as Record<string, unknown>)[part], config)

const cases: Case[] = [
  {
    key: 'smtp.mx.port',
    toml: '[smtp.mx]\nport = 2600',
    envVar: 'MAIL_SMTP_MX_PORT',
    envValue: '2700',
    flagValue: '2800',
    fileExpected: 2600,
    envExpected: 2700,
    flagExpected: 2800,
    devDefault: 2525,
  },
  {
    key: 'log.level',
    toml: '[log]\nlevel = "warn"',
    envVar: 'MAIL_LOG_LEVEL',
    envValue: 'error',
    flagValue: 'debug',
    fileExpected: 'warn',
    envExpected: 'error',
    flagExpected: 'debug',
    devDefault: 'info',
  },
  {
    key: 'smtp.allowInsecureAuth',
    toml: 'smtp.allowInsecureAuth = true',
    envVar: 'MAIL_SMTP_ALLOW_INSECURE_AUTH',
    envValue: 'no',
    flagValue: 'yes',
    fileExpected: true,
    envExpected: false,
    flagExpected: true,
    devDefault: false,
  },
  {
    key: 'dns.servers',
    toml: '[dns]\nservers = ["10.0.0.1:53"]',
    envVar: 'MAIL_DNS_SERVERS',
    envValue: '127.0.0.1:5353,[::1]:53',
    flagValue: '192.0.2.53',
    fileExpected: ['10.0.0.1:53'],
    envExpected: ['127.0.0.1:5353', '[::1]:53'],
    flagExpected: ['192.0.2.53'],
    devDefault: [],
  },
  {
    key: 'delivery.method',
    toml: '[delivery]\nmethod = "ses"',
    envVar: 'MAIL_DELIVERY_METHOD',
    envValue: 'direct',
    flagValue: 'ses',
    fileExpected: 'ses',
    envExpected: 'direct',
    flagExpected: 'ses',
    devDefault: 'direct',
  },
]

type Layer = 'file' | 'envFile' | 'env' | 'flag'
const combos: { layers: Layer[]; winner: Layer | 'default' }[] = [
  { layers: [], winner: 'default' },
  { layers: ['file'], winner: 'file' },
  { layers: ['envFile'], winner: 'envFile' },
  { layers: ['file', 'envFile'], winner: 'envFile' },
  { layers: ['file', 'env'], winner: 'env' },
  { layers: ['envFile', 'env'], winner: 'env' },
  { layers: ['file', 'envFile', 'env'], winner: 'env' },
  { layers: ['file', 'flag'], winner: 'flag' },
  { layers: ['env', 'flag'], winner: 'flag' },
  { layers: ['file', 'envFile', 'env', 'flag'], winner: 'flag' },
]

describe('precedence per key', () => {
  for (const c of cases) {
    for (const combo of combos) {
      test(`${c.key}: ${combo.layers.join(' + ') || 'nothing set'} → ${combo.winner}`, () => {
        const dir = tempDir()
        const input: Partial<LoadConfigInput> & { cwd: string } = { cwd: dir }
        const configFile = path.join(dir, 'mail-server.toml')
        const envFile = path.join(dir, 'mail.env')
        if (combo.layers.includes('file')) {
          writeFile(dir, 'mail-server.toml', `${c.toml}\n`)
          input.configPath = configFile
        }
        if (combo.layers.includes('envFile')) {
          // The env file uses the value the env layer would, but is weaker than the real environment.
          writeFile(dir, 'mail.env', `${c.envVar}=${c.envValue}\n`)
          input.envFile = envFile
        }
        if (combo.layers.includes('env')) input.env = { [c.envVar]: c.envValue }
        if (combo.layers.includes('flag')) input.flags = { set: [`${c.key}=${c.flagValue}`] }
        if (combo.layers.includes('envFile') && combo.layers.includes('env'))
          writeFile(dir, 'mail.env', `${c.envVar}=${c.flagValue}\n`) // must lose to the real env

        const { config, origins } = load(input)
        const expected = {
          default: c.devDefault,
          file: c.fileExpected,
          envFile: c.envExpected,
          env: c.envExpected,
          flag: c.flagExpected,
        }[combo.winner]
        expect(get(config, c.key)).toEqual(expected)
        const source = {
          default: 'default (dev profile)',
          file: `file ${configFile}`,
          envFile: `env ${c.envVar} (${envFile}:1)`,
          env: `env ${c.envVar}`,
          flag: 'flag --set',
        }[combo.winner]
        expect(origins[c.key]).toBe(source)
      })
    }
  }
})

describe('profile selection', () => {
  test('dev by default, with loopback binding and unprivileged ports', () => {
    const { config } = load({ cwd: tempDir() })
    expect(config.profile).toBe('dev')
    expect(config.bind).toEqual(['127.0.0.1'])
    expect(config.smtp.mx.port).toBe(2525)
    expect(config.hostname).toBe('localhost')
  })

  test('MAIL_PROFILE=production uses production defaults and the system host name', () => {
    const { config, origins } = load({ cwd: tempDir(), env: { MAIL_PROFILE: 'production' } })
    expect(config.smtp.mx.port).toBe(25)
    expect(config.dataDir).toBe('/opt/mail')
    expect(config.hostname).toBe('mx.example.org')
    expect(origins.hostname).toBe('default (system host name)')
  })

  test('the file can select production, and a flag can override it', () => {
    const dir = tempDir()
    const file = writeFile(dir, 'mail-server.toml', 'profile = "production"\nhostname = "mail.example.org"\n')
    expect(load({ cwd: dir, configPath: file }).config.smtp.submission.port).toBe(587)
    const flagged = load({ cwd: dir, configPath: file, flags: { profile: 'dev' } })
    expect(flagged.config.profile).toBe('dev')
    expect(flagged.config.smtp.submission.port).toBe(2587)
    expect(flagged.origins.profile).toBe('flag --profile')
  })

  test('an explicit hostname beats the system host name in production', () => {
    const { config } = load({
      cwd: tempDir(),
      env: { MAIL_PROFILE: 'production', SMTP_HOSTNAME: 'mail.stacksjs.test' },
    })
    expect(config.hostname).toBe('mail.stacksjs.test')
  })
})

describe('files', () => {
  test('./mail-server.toml is found in the working directory, then the next search path', () => {
    const dir = tempDir()
    const second = path.join(tempDir(), 'system.toml')
    fs.writeFileSync(second, 'hostname = "from-system.example.org"\n')
    const search = ['mail-server.toml', second]
    expect(load({ cwd: dir, searchPaths: search }).config.hostname).toBe('from-system.example.org')
    writeFile(dir, 'mail-server.toml', 'hostname = "from-cwd.example.org"\n')
    const loaded = load({ cwd: dir, searchPaths: search })
    expect(loaded.config.hostname).toBe('from-cwd.example.org')
    expect(loaded.sources).toEqual([path.join(dir, 'mail-server.toml')])
  })

  test('MAIL_CONFIG and --config name the file; a named file must exist', () => {
    const dir = tempDir()
    const file = writeFile(dir, 'other.toml', 'hostname = "named.example.org"\n')
    expect(load({ cwd: dir, env: { MAIL_CONFIG: 'other.toml' } }).config.hostname).toBe('named.example.org')
    expect(load({ cwd: dir, flags: { config: file } }).config.hostname).toBe('named.example.org')
    try {
      load({ cwd: dir, flags: { config: 'missing.toml' } })
      throw new Error('expected a ConfigError')
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError)
      const issue = (e as ConfigError).issues[0]
      expect(issue?.source).toBe('flag --config')
      expect(issue?.message).toContain(path.join(dir, 'missing.toml'))
      expect(issue?.message).toContain('ENOENT')
    }
  })

  test('relative paths: file values against the file directory, others against cwd', () => {
    const dir = tempDir()
    const etc = path.join(dir, 'etc')
    fs.mkdirSync(etc)
    const file = path.join(etc, 'mail-server.toml')
    fs.writeFileSync(file, 'dataDir = "store"\n[tls]\ncertFile = "c.pem"\nkeyFile = "/abs/k.pem"\n')
    const fromFile = load({ cwd: dir, configPath: file }).config
    expect(fromFile.dataDir).toBe(path.join(etc, 'store'))
    expect(fromFile.tls.certFile).toBe(path.join(etc, 'c.pem'))
    expect(fromFile.tls.keyFile).toBe('/abs/k.pem')
    expect(load({ cwd: dir, env: { MAIL_DATA_DIR: 'x' } }).config.dataDir).toBe(path.join(dir, 'x'))
    expect(load({ cwd: dir }).config.dataDir).toBe(path.join(dir, 'data'))
  })

  test('sources lists the files read', () => {
    const dir = tempDir()
    const file = writeFile(dir, 'mail-server.toml', 'hostname = "a.example.org"\n')
    const envFile = writeFile(dir, 'mail.env', 'SMTP_PORT=2626\n')
    const loaded = load({ cwd: dir, configPath: file, envFile })
    expect(loaded.sources).toEqual([file, envFile])
    expect(loaded.config.smtp.mx.port).toBe(2626)
  })
})

describe('seed environment names', () => {
  const seedCases: [string, string, string, unknown][] = [
    ['SMTP_HOSTNAME', 'mail.stacksjs.test', 'hostname', 'mail.stacksjs.test'],
    ['SMTP_DELIVERY_METHOD', 'ses', 'delivery.method', 'ses'],
    ['SMTP_DELIVERY_METHOD', 'SES', 'delivery.method', 'ses'],
    [
      'DISCORD_WEBHOOK_URL',
      'https://discord.com/api/webhooks/1/abc',
      'monitoring.discordWebhookUrl',
      'https://discord.com/api/webhooks/1/abc',
    ],
    ['SMTP_PORT', '2626', 'smtp.mx.port', 2626],
    ['AWS_REGION', 'eu-west-1', 'delivery.ses.region', 'eu-west-1'],
  ]
  test.each(seedCases)('%s=%s sets %s', (variable, value, key, expected) => {
    const { config, origins } = load({ cwd: tempDir(), env: { [variable]: value } })
    expect(get(config, key)).toEqual(expected)
    expect(origins[key]).toBe(`env ${variable}`)
  })

  test('SMTP_TLS_CERT_PATH and SMTP_TLS_KEY_PATH set the TLS files', () => {
    const { config } = load({
      cwd: tempDir(),
      env: { SMTP_TLS_CERT_PATH: '/etc/le/fullchain.pem', SMTP_TLS_KEY_PATH: '/etc/le/privkey.pem' },
    })
    expect(config.tls).toMatchObject({ certFile: '/etc/le/fullchain.pem', keyFile: '/etc/le/privkey.pem' })
  })

  test('a MAIL_ name wins over the seed name', () => {
    const { config } = load({ cwd: tempDir(), env: { SMTP_PORT: '2626', MAIL_SMTP_MX_PORT: '2727' } })
    expect(config.smtp.mx.port).toBe(2727)
  })

  test("the seed's /etc/mail/mail.env works through --env-file", () => {
    const dir = tempDir()
    const envFile = writeFile(
      dir,
      'mail.env',
      '# production settings\nSMTP_DELIVERY_METHOD=ses\nDISCORD_WEBHOOK_URL="https://discord.com/api/webhooks/9/x"\nexport SMTP_HOSTNAME=mail.stacksjs.test\n',
    )
    const { config, origins } = load({ cwd: dir, flags: { 'env-file': envFile } })
    expect(config.delivery.method).toBe('ses')
    expect(config.monitoring.discordWebhookUrl).toBe('https://discord.com/api/webhooks/9/x')
    expect(config.hostname).toBe('mail.stacksjs.test')
    expect(origins.hostname).toBe(`env SMTP_HOSTNAME (${envFile}:4)`)
  })
})

describe('warnings', () => {
  test('unknown MAIL_ variables are ignored with a warning and a suggestion', () => {
    const { warnings } = load({ cwd: tempDir(), env: { MAIL_SMTP_MX_PROT: '1', MAIL_CONFIG: undefined } })
    expect(warnings).toContain(
      'MAIL_SMTP_MX_PROT is not a configuration variable (ignored; did you mean MAIL_SMTP_MX_PORT?)',
    )
  })

  test('a dev profile bound beyond loopback loads, with a warning', () => {
    const { config, warnings } = load({ cwd: tempDir(), env: { MAIL_BIND: '0.0.0.0' } })
    expect(config.bind).toEqual(['0.0.0.0'])
    expect(warnings.some(w => w.startsWith('bind: the dev profile listens on 0.0.0.0'))).toBe(true)
    expect(load({ cwd: tempDir(), env: { MAIL_BIND: '127.0.0.1,::1' } }).warnings).toEqual([])
  })
})
