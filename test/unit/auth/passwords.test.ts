import { describe, expect, test } from 'bun:test'
import {
  canonicalArgon2,
  hashPassword,
  isSupportedPasswordHash,
  needsRehash,
  verifyPassword,
} from '../../../src/auth/passwords.ts'

// Vectors from an independent implementation: OpenSSL's Argon2 through Python `cryptography` 48
// (`Argon2id(salt=…, length=…, iterations=…, lanes=…, memory_cost=…).derive_phc_encoded(pw)`),
// generated once and pasted here, so the test needs nothing but Bun.
const FOREIGN = [
  {
    what: 'argon2id p=4 (OpenSSL, m,t,p order)',
    password: 'correct horse battery staple',
    hash: '$argon2id$v=19$m=65536,t=3,p=4$MDEyMzQ1Njc4OWFiY2RlZg$77UfmnZYT23WpPeUKhovauWm5OxRQv9nTf1dJ+tF5EY',
  },
  {
    what: 'argon2id p=4 in npm argon2 parameter order (m,p,t)',
    password: 'correct horse battery staple',
    hash: '$argon2id$v=19$m=65536,p=4,t=3$MDEyMzQ1Njc4OWFiY2RlZg$77UfmnZYT23WpPeUKhovauWm5OxRQv9nTf1dJ+tF5EY',
  },
  {
    what: 'argon2id with the seed parameters and a 16-byte salt, UTF-8 password',
    password: 'hunter2 with spaces and ümlaut',
    hash: '$argon2id$v=19$m=65536,t=3,p=1$ZmVkY2JhOTg3NjU0MzIxMA$G23sJO7KIK3IBmFm2KH/LqED62FcFxbLd/Asa5dndsE',
  },
  {
    what: 'the same in npm argon2 order',
    password: 'hunter2 with spaces and ümlaut',
    hash: '$argon2id$v=19$m=65536,p=1,t=3$ZmVkY2JhOTg3NjU0MzIxMA$G23sJO7KIK3IBmFm2KH/LqED62FcFxbLd/Asa5dndsE',
  },
  {
    what: 'argon2id OWASP parameters, 64-byte hash',
    password: 'owasp-params',
    hash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$XSFPZR4ZfIu+rr1tUR4CHFQ3443uyhdX8+To1hmlehaJ8rUka9jlG0cc2JUs9JVbVgCkwk032ZtBPLrFeiJthw',
  },
  {
    what: 'argon2i',
    password: 'argon2i-pass',
    hash: '$argon2i$v=19$m=4096,t=3,p=1$aXNhbHRpc2FsdGlzYWx0IQ$WDbyMcdf1YIr/FDfg4DmX1DcOFcWzhLY/e3iUvNyq3g',
  },
  {
    what: 'argon2d p=2',
    password: 'argon2d-pass',
    hash: '$argon2d$v=19$m=4096,t=3,p=2$ZHNhbHRkc2FsdGRzYWx0IQ$LrJzu4hFT0hmalgbAdIvfN/ySw3uePXi3kSXPQEbETg',
  },
]

const CURRENT_FORMAT = /^\$argon2id\$v=19\$m=65536,t=3,p=1\$[A-Za-z0-9+/]{43}\$[A-Za-z0-9+/]{43}$/

describe('hashPassword', () => {
  test('writes $argon2id$v=19$m=65536,t=3,p=1$<salt>$<hash> and verifies', async () => {
    const hash = await hashPassword('s3cret pässword')
    expect(hash).toMatch(CURRENT_FORMAT)
    expect(needsRehash(hash)).toBe(false)
    expect(await verifyPassword('s3cret pässword', hash)).toBe(true)
    expect(await verifyPassword('s3cret password', hash)).toBe(false)
  })

  test('salts: the same password hashes differently', async () => {
    const [a, b] = await Promise.all([hashPassword('same'), hashPassword('same')])
    expect(a).not.toBe(b)
  })

  test('refuses an empty password with invalid_password', async () => {
    await expect(hashPassword('')).rejects.toMatchObject({ kind: 'user', codes: { code: 'invalid_password' } })
  })
})

describe('verifyPassword with hashes from other implementations', () => {
  test.each(FOREIGN)('$what: right password verifies', async ({ password, hash }) => {
    expect(await verifyPassword(password, hash)).toBe(true)
  })

  test.each(FOREIGN)('$what: wrong password fails', async ({ password, hash }) => {
    expect(await verifyPassword(`${password}x`, hash)).toBe(false)
  })

  test('needsRehash flags every foreign parameter set and bcrypt', async () => {
    // Same parameters as ours (only the salt length differs): no rehash needed.
    for (const { hash } of FOREIGN) expect(needsRehash(hash)).toBe(!hash.startsWith('$argon2id$v=19$m=65536,t=3,p=1$'))
    const bcrypt = await Bun.password.hash('pw', { algorithm: 'bcrypt', cost: 4 })
    expect(needsRehash(bcrypt)).toBe(true)
    expect(await verifyPassword('pw', bcrypt)).toBe(true)
    expect(isSupportedPasswordHash(bcrypt)).toBe(true)
  })
})

describe('canonicalArgon2', () => {
  test.each([
    ['$argon2id$v=19$m=65536,p=4,t=3$c2FsdA$aGFzaA', '$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA'],
    ['$argon2id$v=19$t=3,p=1,m=65536$c2FsdA$aGFzaA', '$argon2id$v=19$m=65536,t=3,p=1$c2FsdA$aGFzaA'],
    ['$argon2i$v=19$m=4096,t=3,p=1$c2FsdA$aGFzaA', '$argon2i$v=19$m=4096,t=3,p=1$c2FsdA$aGFzaA'],
    // Not canonicalisable: returned unchanged (and then rejected by verify).
    ['$argon2id$v=19$m=65536,t=3$c2FsdA$aGFzaA', '$argon2id$v=19$m=65536,t=3$c2FsdA$aGFzaA'],
    ['garbage', 'garbage'],
    ['$2b$04$abc', '$2b$04$abc'],
  ])('%s', (input, expected) => {
    expect(canonicalArgon2(input)).toBe(expected)
  })
})

describe('malformed hashes give false, never throw', () => {
  const good = FOREIGN[2] as (typeof FOREIGN)[number]
  const [, , , , salt, hash] = good.hash.split('$')
  test.each([
    ['empty', ''],
    ['garbage', 'garbage'],
    ['unknown variant', `$argon2x$v=19$m=65536,t=3,p=1$${salt}$${hash}`],
    ['missing p', `$argon2id$v=19$m=65536,t=3$${salt}$${hash}`],
    ['truncated hash', `$argon2id$v=19$m=65536,t=3,p=1$${salt}$${hash?.slice(0, 10)}`],
    ['padded base64', `$argon2id$v=19$m=65536,t=3,p=1$${salt}$${hash}=`],
    ['bad base64', `$argon2id$v=19$m=65536,t=3,p=1$${salt}$!!!!`],
    ['empty hash field', `$argon2id$v=19$m=65536,t=3,p=1$${salt}$`],
    ['huge memory cost', `$argon2id$v=19$m=4294967295,t=3,p=1$${salt}$${hash}`],
    ['huge time cost', `$argon2id$v=19$m=65536,t=4294967295,p=1$${salt}$${hash}`],
    ['huge bcrypt cost', '$2b$31$1OaVDwtC3btd9r9y20s0NO4lHUC8WHT.QrLJ.FNbvzjnnWE.uLIWa'],
    ['broken bcrypt', '$2b$04$short'],
  ])('%s', async (_what, stored) => {
    expect(await verifyPassword(good.password, stored)).toBe(false)
  })

  test('empty password never verifies', async () => {
    expect(await verifyPassword('', good.hash)).toBe(false)
  })
})

describe('isSupportedPasswordHash', () => {
  test.each([
    ...FOREIGN.map(v => [v.hash, true] as const),
    ['plain text', false],
    ['{SHA512-CRYPT}$6$abc', false],
    ['$argon2id$v=19$m=1,t=1,p=1$$', false],
  ] as const)('%s', (hash, ok) => {
    expect(isSupportedPasswordHash(hash)).toBe(ok)
  })
})
