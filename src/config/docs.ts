// The configuration reference (`mail-server config docs`, embedded in the README), generated from
// the schema's descriptions so it cannot fall behind the code.
import { type ConfigValues, flattenObject } from './config-values.ts'
import { envVarsForKey, seedEnvAliases } from './env-names.ts'
import { profileDefaults } from './profile-defaults.ts'
import { SECRET_KEYS } from './redact-config.ts'
import { configKeys } from './schema-leaves.ts'

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ')
const code = (text: string) => `\`${text}\``

function shownDefault(values: ConfigValues, key: string): string {
  const v = values.get(key)?.value
  if (Array.isArray(v)) return v.length === 0 ? '*(empty)*' : code(v.join(','))
  if (v === '') return '*(empty)*'
  return code(String(v))
}

/** Markdown: one table row per key, then the file locations and environment rules. */
export function configReference(): string {
  const dev = flattenObject(profileDefaults('dev') as unknown as Record<string, unknown>, 'default')
  const production = flattenObject(profileDefaults('production') as unknown as Record<string, unknown>, 'default')
  production.set('hostname', { value: 'system host name', source: 'default' })
  const rows = configKeys.leaves.map(leaf => {
    const env = envVarsForKey(leaf.key).map(code).join(', ')
    const secret = SECRET_KEYS.includes(leaf.key) ? ' Secret: shown as `(secret)`.' : ''
    const prod = leaf.key === 'hostname' ? '*(system host name)*' : shownDefault(production, leaf.key)
    return `| ${code(leaf.key)} | ${env} | ${cell(leaf.typeLabel)} | ${shownDefault(dev, leaf.key)} | ${prod} | ${cell(leaf.description)}${secret} |`
  })
  const aliases = seedEnvAliases.map(a => `- ${code(a.variable)} → ${code(a.key)} (${a.note})`)
  return [
    '## Configuration reference',
    '',
    'Sources, strongest first: command-line flags (`--set key=value`, `--data-dir`, `--hostname`, `--profile`),',
    'environment variables, the env file given with `--env-file` (the real environment wins over it), the TOML',
    'file (`--config` or `MAIL_CONFIG`, else `./mail-server.toml`, else `/etc/mail/mail-server.toml`), and the',
    'profile defaults (`dev` unless `profile` is set to `production` by any of the above).',
    '',
    'In the TOML file, keys use the names below with their tables: `[smtp.mx]` then `port = 25`. Environment',
    'values are strings: lists are comma-separated (`MAIL_DNS_SERVERS=127.0.0.1:5353,[::1]:53`), booleans',
    "accept `true/false/1/0/yes/no/on/off`. Relative paths are resolved against the config file's directory for",
    'values from the file, and against the working directory otherwise.',
    '',
    '| Key | Environment | Type | dev default | production default | Description |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows,
    '',
    'Names kept from the seed deployment (`/etc/mail/mail.env`); a `MAIL_` name wins when both are set:',
    '',
    ...aliases,
    '',
  ].join('\n')
}
