// Environment variables: `MAIL_<PATH>` for every schema leaf (generated: `smtp.mx.port` →
// MAIL_SMTP_MX_PORT, `dataDir` → MAIL_DATA_DIR), plus the names the Zig seed's /etc/mail/mail.env
// used, so an existing deployment's env file keeps working. A MAIL_ name wins over a seed name
// for the same key.
import type { ConfigIssue } from './config-error.ts'
import type { ConfigValues } from './config-values.ts'
import { coerceConfigValue } from './coerce-value.ts'
import { type ConfigKeys, configKeys } from './schema-leaves.ts'
import { suggestKey } from './suggest-key.ts'

export const ENV_PREFIX = 'MAIL_'
/** Names under MAIL_ that are not keys: the TOML file to read (like `--config`). */
export const ENV_CONFIG_PATH = 'MAIL_CONFIG'

/** `smtp.maxMessageSize` → `MAIL_SMTP_MAX_MESSAGE_SIZE`. */
export function envVarName(key: string): string {
  return (
    ENV_PREFIX +
    key
      .split('.')
      .map(part => part.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase())
      .join('_')
  )
}

export interface SeedEnvAlias {
  variable: string
  key: string
  note: string
}

/**
 * Names from the seed's README and its production env file. Not mapped: SMTP_DB_PATH and other
 * file locations, because mail.db and the maildir always live under `dataDir` here.
 */
export const seedEnvAliases: readonly SeedEnvAlias[] = [
  { variable: 'SMTP_HOSTNAME', key: 'hostname', note: 'seed name' },
  { variable: 'SMTP_PORT', key: 'smtp.mx.port', note: 'seed name' },
  { variable: 'SMTP_TLS_CERT_PATH', key: 'tls.certFile', note: 'seed name' },
  { variable: 'SMTP_TLS_KEY_PATH', key: 'tls.keyFile', note: 'seed name' },
  { variable: 'SMTP_DELIVERY_METHOD', key: 'delivery.method', note: 'seed name (`ses`, `direct`)' },
  { variable: 'DISCORD_WEBHOOK_URL', key: 'monitoring.discordWebhookUrl', note: 'seed name' },
  { variable: 'AWS_REGION', key: 'delivery.ses.region', note: 'the AWS SDK name' },
  { variable: 'AWS_ACCESS_KEY_ID', key: 'delivery.ses.accessKeyId', note: 'the AWS SDK name' },
  { variable: 'AWS_SECRET_ACCESS_KEY', key: 'delivery.ses.secretAccessKey', note: 'the AWS SDK name' },
  { variable: 'AWS_SESSION_TOKEN', key: 'delivery.ses.sessionToken', note: 'the AWS SDK name' },
]

/** Every variable that sets `key`, strongest first. */
export function envVarsForKey(key: string): string[] {
  return [envVarName(key), ...seedEnvAliases.filter(a => a.key === key).map(a => a.variable)]
}

export interface EnvLayer {
  values: ConfigValues
  issues: ConfigIssue[]
  /** MAIL_* variables that match no key (ignored; reported as warnings), with a likely intended name. */
  unknown: { variable: string; suggestion?: string }[]
}

export type EnvSource = (variable: string) => string

/**
 * The config values set by `env`. `sourceOf` labels each variable (`env MAIL_X`, or the env file
 * and line). A value that cannot be parsed is an issue naming the variable and the key.
 */
export function envLayer(
  env: Readonly<Record<string, string | undefined>>,
  sourceOf: EnvSource = variable => `env ${variable}`,
  keys: ConfigKeys = configKeys,
): EnvLayer {
  const values: ConfigValues = new Map()
  const issues: ConfigIssue[] = []
  const known = new Set<string>([ENV_CONFIG_PATH])
  for (const leaf of keys.leaves) {
    const names = envVarsForKey(leaf.key)
    known.add(names[0] as string)
    const variable = names.find(n => env[n] !== undefined)
    if (variable === undefined) continue
    const raw = env[variable] as string
    const result = coerceConfigValue(leaf, raw)
    const source = sourceOf(variable)
    if (result.ok) values.set(leaf.key, { value: result.value, source })
    else issues.push({ key: leaf.key, source, message: result.message })
  }
  const unknown = Object.keys(env)
    .filter(name => name.startsWith(ENV_PREFIX) && !known.has(name) && env[name] !== undefined)
    .sort()
    .map(variable => ({ variable, suggestion: suggestKey(variable, [...known]) }))
  return { values, issues, unknown }
}

/** Warning text for an ignored MAIL_* variable. */
export const unknownEnvWarning = (u: { variable: string; suggestion?: string }, where = ''): string =>
  `${u.variable}${where} is not a configuration variable (ignored${u.suggestion ? `; did you mean ${u.suggestion}?` : ''})`
