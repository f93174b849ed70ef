// What DAV handlers receive: the services they use (built once by the mount) and, per request, the
// authenticated account and the request itself.
import type { CredentialVerifier } from '../auth/sasl-authenticate.ts'
import type { LoginThrottle } from '../auth/login-throttle.ts'
import type { Clock } from '../core/clock.ts'
import type { Logger } from '../core/logger.ts'
import type { DavRepository } from '../storage/repositories/dav/dav-repository.ts'
import type { CredentialCache } from './auth/credential-cache.ts'

export interface DavSettings {
  /** Largest request body (iCalendar/vCard object or XML), bytes. */
  maxResourceSize: number
  /** Accept Basic credentials over plain HTTP from non-loopback clients. */
  allowInsecureAuth: boolean
}

/** Account lookups besides the password check: quota properties (RFC 4331). */
export interface DavAccountLookup extends CredentialVerifier {
  get(ref: number): Promise<{ id: number; email: string; displayName: string | null; quotaBytes: number | null } | null>
  usage(ref: number): Promise<{ bytes: number }>
}

export interface DavServices {
  repo: DavRepository
  accounts: DavAccountLookup
  throttle: LoginThrottle
  credentials: CredentialCache
  logger: Logger
  clock: Clock
  settings: DavSettings
}

export interface DavAccount {
  id: number
  /** Normalised address: the principal's URL segment. */
  email: string
}

export interface DavRequest {
  services: DavServices
  account: DavAccount
  method: string
  url: URL
  headers: Headers
  /** The raw request, for reading the body (read-body.ts) once. */
  request: Request
}
