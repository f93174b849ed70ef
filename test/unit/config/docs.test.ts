// The generated reference, secret redaction and the TOML rendering of the effective config.
import { afterAll, describe, expect, test } from 'bun:test'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { configReference } from '../../../src/config/docs.ts'
import { envVarName, seedEnvAliases } from '../../../src/config/env-names.ts'
import { loadConfig } from '../../../src/config/load.ts'
import { profileDefaults } from '../../../src/config/profile-defaults.ts'
import { REDACTED, redactConfig, SECRET_KEYS } from '../../../src/config/redact-config.ts'
import { renderConfigToml } from '../../../src/config/render-toml.ts'
import { configKeys } from '../../../src/config/schema-leaves.ts'

describe('configReference', () => {
  const reference = configReference()
  const rows = reference.split('\n').filter(l => l.startsWith('| `'))

  test('has one row per leaf key, with its env var and description', () => {
    expect(rows).toHaveLength(configKeys.leaves.length)
    for (const leaf of configKeys.leaves) {
      const row = rows.find(r => r.startsWith(`| \`${leaf.key}\` |`))
      expect(row, leaf.key).toBeDefined()
      expect(row).toContain(`\`${envVarName(leaf.key)}\``)
      expect(leaf.description.length, `${leaf.key} has a description`).toBeGreaterThan(0)
      expect(row).toContain(leaf.description.replace(/\|/g, '\\|'))
    }
  })

  test('every row has six cells; escaped pipes do not split cells', () => {
    for (const row of rows) expect(row.split(/(?<!\\)\|/).length - 2, row).toBe(6)
  })

  test('shows both profiles’ defaults and the seed names', () => {
    expect(rows.find(r => r.startsWith('| `smtp.mx.port`'))).toContain('| `2525` | `25` |')
    expect(rows.find(r => r.startsWith('| `hostname`'))).toContain('*(system host name)*')
    for (const alias of seedEnvAliases) expect(reference).toContain(`\`${alias.variable}\` → \`${alias.key}\``)
  })

  test('marks secrets', () => {
    for (const key of SECRET_KEYS) expect(rows.find(r => r.startsWith(`| \`${key}\``))).toContain('(secret)')
  })
})

test('environment variable names are unique and derived from the key', () => {
  const names = configKeys.leaves.map(l => envVarName(l.key))
  expect(new Set(names).size).toBe(names.length)
  expect(envVarName('smtp.mx.port')).toBe('MAIL_SMTP_MX_PORT')
  expect(envVarName('dataDir')).toBe('MAIL_DATA_DIR')
  expect(envVarName('monitoring.discordWebhookUrl')).toBe('MAIL_MONITORING_DISCORD_WEBHOOK_URL')
  expect(envVarName('pop3.tls.port')).toBe('MAIL_POP3_TLS_PORT')
  for (const alias of seedEnvAliases) expect(configKeys.leaf(alias.key), alias.key).toBeDefined()
})

describe('redactConfig', () => {
  test('replaces set secrets, keeps empty ones, leaves the input alone', () => {
    const config = profileDefaults('dev')
    config.delivery.relay.password = 'hunter2'
    config.monitoring.discordWebhookUrl = 'https://discord.com/api/webhooks/1/token'
    const safe = redactConfig(config)
    expect(safe.delivery.relay.password).toBe(REDACTED)
    expect(safe.monitoring.discordWebhookUrl).toBe(REDACTED)
    expect(JSON.stringify(safe)).not.toContain('hunter2')
    expect(JSON.stringify(safe)).not.toContain('token')
    expect(config.delivery.relay.password).toBe('hunter2')
    expect(redactConfig(profileDefaults('dev')).delivery.relay.password).toBe('')
  })

  test('every secret key is a leaf of the schema', () => {
    for (const key of SECRET_KEYS) expect(configKeys.leaf(key), key).toBeDefined()
  })
})

describe('renderConfigToml', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'render-toml-'))
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

  test('the rendered effective config loads back to the same config', () => {
    const first = loadConfig({
      env: {
        MAIL_DNS_SERVERS: '127.0.0.1:5353,[::1]:53',
        SMTP_HOSTNAME: 'mx.example.org',
        MAIL_DATA_DIR: '/var/x "y"',
      },
      cwd: dir,
      searchPaths: [],
    }).config
    const text = renderConfigToml(first)
    expect(text).toContain('[smtp.mx]\nenabled = true\nport = 2525')
    const file = path.join(dir, 'mail-server.toml')
    fs.writeFileSync(file, text)
    expect(loadConfig({ env: {}, cwd: dir, configPath: file }).config).toEqual(first)
  })
})
