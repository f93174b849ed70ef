// createDkimSigner over real storage (SQLite in a temp dir): which keys sign (author domain, its
// parents, the envelope domain), the result verified by mailauth against the TXT records
// `domain dns` publishes, an unusable stored key skipped without leaking it, rotation reaching the
// signer through invalidate(), and unsigned mail when nothing applies or the message has no From.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { eq } from 'drizzle-orm'
import { dkimVerify } from 'mailauth/lib/dkim/verify.js'
import { manualClock } from '../../../src/core/clock.ts'
import { createLogger } from '../../../src/core/logger.ts'
import { dkimDnsRecords } from '../../../src/delivery/dkim/dkim-dns-records.ts'
import { createDkimKeyStore } from '../../../src/delivery/dkim/dkim-key-store.ts'
import { createDkimSigner } from '../../../src/delivery/dkim/dkim-signer.ts'
import { dkimKeys } from '../../../src/storage/db/schema-delivery.ts'
import { type Fixture, storageFixture } from '../storage/storage-fixture.ts'

const clock = manualClock(Date.now())
const OPTIONS = { algorithms: ['rsa-sha256', 'ed25519-sha256'] as const, rsaBits: 2048 }
let fx: Fixture

beforeAll(async () => {
  fx = await storageFixture({ clock })
  await createDkimKeyStore(fx.storage, clock).ensure('local.test', { ...OPTIONS, algorithms: [...OPTIONS.algorithms] })
})
afterAll(() => fx.cleanup())

const bytes = (s: string) => new TextEncoder().encode(s)
const message = (from: string, id = 'm1') =>
  bytes(`From: ${from}\r\nTo: bob@remote.test\r\nSubject: hi\r\nMessage-ID: <${id}@local.test>\r\n\r\nHello\r\n`)
const text = (b: Uint8Array) => new TextDecoder().decode(b)
const selectors = (b: Uint8Array) => [...text(b).matchAll(/\bs=([^;]+);/g)].map(m => m[1])

function logs() {
  const lines: Record<string, unknown>[] = []
  const logger = createLogger({ format: 'json', level: 'debug', sink: l => lines.push(JSON.parse(l)) })
  return { logger, lines }
}

async function verify(signed: Uint8Array) {
  const published = new Map(
    (await dkimDnsRecords(fx.storage, 'local.test', { clock })).map(r => [r.name, r.value] as const),
  )
  const resolver = async (name: string) => {
    const value = published.get(name)
    if (value === undefined) throw Object.assign(new Error(`ENOTFOUND ${name}`), { code: 'ENOTFOUND' })
    return [[value]]
  }
  const result = await dkimVerify(Buffer.from(signed), { resolver } as unknown as Parameters<typeof dkimVerify>[1])
  return result.results.map(r => ({ algo: r.algo, domain: r.signingDomain, result: r.status.result }))
}

describe('createDkimSigner', () => {
  test('signs with the author domain’s RSA and Ed25519 keys, both verify', async () => {
    const signer = createDkimSigner({ storage: fx.storage, clock })
    const signed = await signer.sign(message('Ann <ann@local.test>'), 'ann@local.test')
    expect(text(signed)).toMatch(/^DKIM-Signature: v=1; a=rsa-sha256;/)
    expect(await verify(signed)).toEqual([
      { algo: 'rsa-sha256', domain: 'local.test', result: 'pass' },
      { algo: 'ed25519-sha256', domain: 'local.test', result: 'pass' },
    ])
    // The same signer again (cached keys) signs the next message too.
    expect(await verify(await signer.sign(message('ann@local.test', 'm2'), ''))).toHaveLength(2)
  })

  test('a sub-domain author falls back to the parent domain’s keys; the envelope domain comes last', async () => {
    const signer = createDkimSigner({ storage: fx.storage, clock })
    const sub = await signer.sign(message('x@mail.dept.local.test'), 'x@mail.dept.local.test')
    expect(text(sub)).toContain('d=local.test;')
    const envelope = await signer.sign(message('x@elsewhere.test'), 'bounce@local.test')
    expect(text(envelope)).toContain('d=local.test;')
  })

  test('no keys for any candidate domain: the message is returned as it is', async () => {
    const signer = createDkimSigner({ storage: fx.storage, clock })
    const m = message('x@elsewhere.test')
    expect(await signer.sign(m, 'x@elsewhere.test')).toBe(m)
    expect(await signer.sign(m, '')).toBe(m)
  })

  test('a message without From (and an envelope domain with keys) is sent unsigned, with a warning', async () => {
    const { logger, lines } = logs()
    const signer = createDkimSigner({ storage: fx.storage, clock, logger })
    const m = bytes('To: bob@remote.test\r\nSubject: no author\r\n\r\nbody\r\n')
    expect(await signer.sign(m, 'ann@local.test')).toBe(m)
    expect(lines.map(l => l.msg)).toContain('DKIM signing failed; sending unsigned')
  })
})

describe('key changes', () => {
  test('an unusable stored key is skipped and logged without its contents; the other key signs', async () => {
    const f = await storageFixture({ clock })
    try {
      const store = createDkimKeyStore(f.storage, clock)
      await store.ensure('broken.test', { algorithms: ['rsa-sha256', 'ed25519-sha256'], rsaBits: 1024 })
      const rsa = store.active('broken.test').find(k => k.algorithm === 'rsa-sha256')
      const garbage = '-----BEGIN PRIVATE KEY-----\nAAAAsecretsecretAAAA\n-----END PRIVATE KEY-----\n'
      f.storage.db
        .update(dkimKeys)
        .set({ privateKey: garbage })
        .where(eq(dkimKeys.id, rsa?.id ?? -1))
        .run()
      const { logger, lines } = logs()
      const signer = createDkimSigner({ storage: f.storage, clock, logger })
      const signed = await signer.sign(message('a@broken.test'), '')
      expect(text(signed).match(/^DKIM-Signature:/gm)).toHaveLength(1)
      expect(text(signed)).toContain('a=ed25519-sha256;')
      const warning = lines.find(l => l.msg === 'DKIM key unusable')
      expect(warning).toMatchObject({ level: 'warn', domain: 'broken.test', selector: rsa?.selector })
      expect(JSON.stringify(lines)).not.toContain('secretsecret')
    } finally {
      f.cleanup()
    }
  })

  test('after a rotation, invalidate() makes the signer use the new keys', async () => {
    const store = createDkimKeyStore(fx.storage, clock)
    const signer = createDkimSigner({ storage: fx.storage, clock })
    const before = selectors(await signer.sign(message('ann@local.test'), ''))
    expect(before).toEqual(store.active('local.test').map(k => k.selector))
    const rotated = await store.rotate('local.test', { ...OPTIONS, algorithms: [...OPTIONS.algorithms] })
    // Cached for a minute: still the old keys until invalidated.
    expect(selectors(await signer.sign(message('ann@local.test'), ''))).toEqual(before)
    signer.invalidate('local.test')
    const after = await signer.sign(message('ann@local.test'), '')
    expect(selectors(after)).toEqual(rotated.map(k => k.selector))
    expect(await verify(after)).toEqual([
      { algo: 'rsa-sha256', domain: 'local.test', result: 'pass' },
      { algo: 'ed25519-sha256', domain: 'local.test', result: 'pass' },
    ])
  })

  test('without invalidate(), the key cache expires after cacheMs', async () => {
    const store = createDkimKeyStore(fx.storage, clock)
    const signer = createDkimSigner({ storage: fx.storage, clock, cacheMs: 60_000 })
    const before = selectors(await signer.sign(message('ann@local.test'), ''))
    const rotated = await store.rotate('local.test', { ...OPTIONS, algorithms: [...OPTIONS.algorithms] })
    expect(selectors(await signer.sign(message('ann@local.test'), ''))).toEqual(before)
    clock.advance(60_001)
    expect(selectors(await signer.sign(message('ann@local.test'), ''))).toEqual(rotated.map(k => k.selector))
  })
})
