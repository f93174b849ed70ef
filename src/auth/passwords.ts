// Password hashing: Argon2id with the parameters of the original server (m=64 MiB, t=3, p=1),
// encoded as a PHC string `$argon2id$v=19$m=65536,t=3,p=1$<salt>$<hash>` (Bun.password, see
// shared notes bun-platform §4). Verification also accepts hashes written by other Argon2
// implementations (npm `argon2`, hash-wasm, libargon2/argon2-cffi, OpenSSL), including other
// variants (argon2i, argon2d), other parameters (p=4, 64-byte hashes) and bcrypt, so accounts can
// be imported; `needsRehash` tells the login path to upgrade them to the current parameters.
import { MailError } from '../core/errors.ts'

const ARGON2 = { algorithm: 'argon2id', memoryCost: 65536, timeCost: 3 } as const // Bun always uses p=1
const CURRENT_PREFIX = '$argon2id$v=19$m=65536,t=3,p=1$'

/** Hash a password with the current parameters. Empty passwords are refused (Bun.password throws on them). */
export async function hashPassword(password: string): Promise<string> {
  if (password === '') {
    throw new MailError('user', 'password must not be empty', { http: 400, code: 'invalid_password' })
  }
  return Bun.password.hash(password, ARGON2)
}

/**
 * Reorder Argon2 parameters to `m=…,t=…,p=…`. Bun parses only that order, while npm `argon2`
 * writes `m=…,p=…,t=…`; the PHC string format does not fix the order. Anything that is not an
 * Argon2 PHC string with m, t and p is returned unchanged.
 */
export function canonicalArgon2(encoded: string): string {
  const m = /^\$(argon2(?:id|i|d))\$v=(\d+)\$([^$]+)\$([^$]+)\$([^$]+)$/.exec(encoded)
  if (!m) return encoded
  const params = new Map<string, string>()
  for (const kv of (m[3] ?? '').split(',')) {
    const eq = kv.indexOf('=')
    if (eq > 0) params.set(kv.slice(0, eq), kv.slice(eq + 1))
  }
  const mem = params.get('m')
  const time = params.get('t')
  const lanes = params.get('p')
  if (!mem || !time || !lanes) return encoded
  return `$${m[1]}$v=${m[2]}$m=${mem},t=${time},p=${lanes}$${m[4]}$${m[5]}`
}

// A stored hash chooses its own cost. Bound it, so a hostile or corrupt hash (m=4294967295) cannot
// make one login allocate terabytes or spin for minutes. 1 GiB / t=64 / p=64 is far above any
// recommended setting (RFC 9106 §4 tops out at 2 GiB for hardware without a time budget).
const MAX_MEMORY_KIB = 1 << 20
const MAX_TIME = 64
const MAX_LANES = 64

// bcrypt's cost is log2 of the rounds: 16 is ~4 s on current hardware, 31 would be days.
const MAX_BCRYPT_COST = 16

function withinCostLimits(canonical: string): boolean {
  const argon = /^\$argon2(?:id|i|d)\$v=\d+\$m=(\d+),t=(\d+),p=(\d+)\$/.exec(canonical)
  if (argon) return Number(argon[1]) <= MAX_MEMORY_KIB && Number(argon[2]) <= MAX_TIME && Number(argon[3]) <= MAX_LANES
  const bcrypt = /^\$2[aby]\$(\d{2})\$/.exec(canonical)
  if (bcrypt) return Number(bcrypt[1]) <= MAX_BCRYPT_COST
  return true // malformed: Bun.password rejects it
}

/** True when `password` matches `stored`. Malformed or unsupported hashes give false, never an exception. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  if (password === '' || stored === '') return false
  const canonical = canonicalArgon2(stored)
  if (!withinCostLimits(canonical)) return false
  try {
    return await Bun.password.verify(password, canonical)
  } catch {
    // PASSWORD_INVALID_ENCODING, PASSWORD_UNSUPPORTED_ALGORITHM, PASSWORD_WEAK_PARAMETERS, …
    return false
  }
}

/** True when `stored` was not produced with the current algorithm and parameters. */
export const needsRehash = (stored: string): boolean => !stored.startsWith(CURRENT_PREFIX)

/** True when `stored` looks like a hash `verifyPassword` can check (Argon2 PHC string or bcrypt). */
export function isSupportedPasswordHash(stored: string): boolean {
  const argon2 = /^\$argon2(?:id|i|d)\$v=\d+\$[^$]+\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/.test(stored)
  const bcrypt = /^\$2[aby]\$\d{2}\$[./A-Za-z0-9]{53}$/.test(stored)
  return argon2 || bcrypt
}
