// The end of LOGIN and AUTHENTICATE: throttle + password check (auth/sasl-authenticate.ts, shared
// with SMTP and POP3 through one LoginThrottle), then the authenticated state and an OK carrying
// the new capability list (RFC 9051 §6.2.2-3: saves the client a CAPABILITY round trip).
//   wrong password or unknown user → NO [AUTHENTICATIONFAILED] (RFC 5530)
//   throttled                      → NO [ALERT] with the wait, so the user sees why
//   before TLS, without imap.allowInsecureAuth → NO [PRIVACYREQUIRED] (RFC 5530, RFC 9051 §6.2.3)
import { authenticateLogin } from '../../auth/sasl-authenticate.ts'
import { userError } from '../../core/errors.ts'
import { loginAllowed } from './capabilities.ts'
import type { CommandContext, CommandResult } from './command-context.ts'
import type { SaslCredentials } from './sasl-credentials.ts'

export function ensureLoginAllowed(ctx: Pick<CommandContext, 'transport' | 'settings'>): void {
  if (!loginAllowed({ secure: ctx.transport.secure, allowInsecureAuth: ctx.settings.allowInsecureAuth })) {
    throw userError('Plaintext authentication is not allowed without TLS: use STARTTLS first', {
      imap: 'PRIVACYREQUIRED',
    })
  }
}

export async function completeLogin(ctx: CommandContext, credentials: SaslCredentials): Promise<CommandResult> {
  const outcome = await authenticateLogin(
    { accounts: ctx.storage.accounts, throttle: ctx.deps.throttle, logger: ctx.logger },
    { ip: ctx.transport.remoteAddress, protocol: 'imap', ...credentials },
  )
  if (outcome.kind === 'ok') {
    ctx.login({ id: outcome.account.id, email: outcome.account.email })
    return { code: `CAPABILITY ${ctx.capabilities().join(' ')}`, text: 'Logged in' }
  }
  ctx.loginFailed()
  if (outcome.kind === 'throttled') {
    const seconds = Math.max(1, Math.ceil(outcome.retryAfterMs / 1000))
    throw userError(`Too many failed logins; try again in ${seconds} seconds`, { imap: 'ALERT' })
  }
  throw userError('Authentication failed', { imap: 'AUTHENTICATIONFAILED' })
}
