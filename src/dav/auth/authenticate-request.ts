// HTTP Basic authentication for DAV (RFC 7617) against the account password, sharing the login
// throttle with SMTP, IMAP and POP3 (auth/sasl-authenticate.ts). Outcomes:
//   no or unreadable credentials, wrong password → 401 with a Basic challenge
//   throttled                                    → 429 with Retry-After (RFC 6585 §4)
//   plain HTTP from a non-loopback client        → 403, unless dav.allowInsecureAuth: Basic sends the
//                                                  password in clear (RFC 7617 §4). Loopback covers
//                                                  the dev profile and a TLS-terminating proxy on the
//                                                  same host.
import { authenticateLogin } from '../../auth/sasl-authenticate.ts'
import { isLoopback } from '../../smtp/inbound/client-address.ts'
import type { DavAccount, DavServices } from '../dav-context.ts'
import { DavError } from '../dav-error.ts'
import { BASIC_CHALLENGE, parseBasicAuthorization } from './basic-credentials.ts'

export interface ConnectionInfo {
  /** Client address; '' when unknown (treated as remote). */
  ip: string
  /** The request arrived over TLS. */
  secure: boolean
}

export async function authenticateRequest(
  services: DavServices,
  authorization: string | null,
  connection: ConnectionInfo,
): Promise<DavAccount> {
  if (!connection.secure && !isLoopback(connection.ip) && !services.settings.allowInsecureAuth) {
    throw new DavError(403, 'DAV requires HTTPS: Basic authentication would send the password in clear')
  }
  const credentials = parseBasicAuthorization(authorization)
  if (!credentials) throw unauthorized('authentication required')
  const cached = services.credentials.get(credentials.username, credentials.password)
  if (cached) return cached
  const outcome = await authenticateLogin(
    { accounts: services.accounts, throttle: services.throttle, logger: services.logger },
    { ip: connection.ip || 'unknown', protocol: 'dav', authorizationId: '', ...credentials },
  )
  if (outcome.kind === 'throttled') {
    const seconds = Math.max(1, Math.ceil(outcome.retryAfterMs / 1000))
    throw new DavError(429, `too many failed logins; try again in ${seconds} seconds`, undefined, {
      'retry-after': String(seconds),
    })
  }
  if (outcome.kind === 'failed') throw unauthorized('wrong user name or password')
  const account = { id: outcome.account.id, email: outcome.account.email }
  services.credentials.set(credentials.username, credentials.password, account)
  return account
}

const unauthorized = (why: string) => new DavError(401, why, undefined, { 'www-authenticate': BASIC_CHALLENGE })
