// Secrets in the config are printed as `(secret)` (`config show`, logs, the admin panel), never
// their value. An empty secret stays empty so "not set" remains visible.
import type { Config } from './schema.ts'

/** Dotted keys whose values are credentials. */
export const SECRET_KEYS: readonly string[] = [
  'delivery.relay.password',
  'delivery.ses.secretAccessKey',
  'delivery.ses.sessionToken',
  'monitoring.discordWebhookUrl',
  'metrics.bearerToken',
  'tracing.authorization',
  'backup.encryptionKey',
  'backup.s3.secretAccessKey',
  'backup.s3.sessionToken',
]

export const REDACTED = '(secret)'

/** A copy of `config` with every non-empty secret replaced by `(secret)`. */
export function redactConfig(config: Config): Config {
  const copy = structuredClone(config)
  for (const key of SECRET_KEYS) {
    const parts = key.split('.')
    let node = copy as unknown as Record<string, unknown>
    for (const part of parts.slice(0, -1)) node = node[part] as Record<string, unknown>
    const last = parts[parts.length - 1] as string
    if (typeof node[last] === 'string' && node[last] !== '') node[last] = REDACTED
  }
  return copy
}
