// One error for every configuration problem (DESIGN.md "Config": a bad value stops the server and
// names the path). It carries all problems found in one pass, so `config check` shows them together;
// the CLI prints `format()` and exits 2.
import { MailError } from '../core/errors.ts'

export interface ConfigIssue {
  /** Dotted key (`smtp.mx.port`, `dns.servers[1]`), or '' for problems of a whole file or line. */
  key: string
  /** Where the value came from: `env MAIL_SMTP_MX_PORT`, `file /etc/mail/mail-server.toml`, `flag --set`, `default (dev profile)`. */
  source: string
  message: string
}

export function formatConfigIssue(issue: ConfigIssue): string {
  const where = issue.key ? `${issue.key}: ` : ''
  return `config: ${where}${issue.message} (from ${issue.source})`
}

export class ConfigError extends MailError {
  readonly issues: readonly ConfigIssue[]

  constructor(issues: readonly ConfigIssue[]) {
    super('user', issues.map(formatConfigIssue).join('\n'), { code: 'config_invalid' })
    this.name = 'ConfigError'
    this.issues = issues
  }

  /** One line per problem: `config: smtp.mx.port: expected …, got "abc" (from env MAIL_SMTP_MX_PORT)`. */
  format(): string {
    return this.message
  }
}

export const isConfigError = (e: unknown): e is ConfigError => e instanceof ConfigError
