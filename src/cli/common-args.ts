// Arguments every command accepts: where the configuration comes from, and how to print.
import type { ArgsDef } from 'citty'

export const configArgs = {
  config: {
    type: 'string',
    description: 'TOML config file (default ./mail-server.toml, then /etc/mail/mail-server.toml)',
  },
  'env-file': { type: 'string', description: 'Environment file to read first (e.g. /etc/mail/mail.env)' },
  profile: { type: 'string', description: 'Profile for defaults: dev or production' },
  'data-dir': { type: 'string', description: 'Data directory (mail.db, maildir/, tls/)' },
  hostname: { type: 'string', description: 'Server host name' },
  set: { type: 'string', description: 'Set any config key: --set smtp.mx.port=2525 (repeatable)' },
} as const satisfies ArgsDef

export const jsonArg = {
  json: { type: 'boolean', description: 'Print machine-readable JSON' },
} as const satisfies ArgsDef

/** citty keeps only the last `--set`; collect every occurrence from the raw argv. */
export function collectSetFlags(rawArgs: readonly string[]): string[] {
  const out: string[] = []
  for (let i = 0; i < rawArgs.length; i++) {
    const a = rawArgs[i] as string
    if (a === '--set' && i + 1 < rawArgs.length) out.push(rawArgs[++i] as string)
    else if (a.startsWith('--set=')) out.push(a.slice('--set='.length))
  }
  return out
}
