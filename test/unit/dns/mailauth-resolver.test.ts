// mailauth through our resolver and the fake DNS server: DKIM with a 2048-bit key whose TXT record is
// split into 255-byte strings (the case Bun's resolver breaks, shared notes §7), SPF pass/fail, DMARC.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import crypto from 'node:crypto'
import { authenticate, dkimSign } from 'mailauth'
import { manualClock } from '../../../src/core/clock.ts'
import type { DnsZone } from '../../../src/security/dns/dns-zone.ts'
import { mailauthResolver } from '../../../src/security/dns/mailauth-resolver.ts'
import { createMemoryResolver } from '../../../src/security/dns/memory-resolver.ts'
import { createResolver } from '../../../src/security/dns/resolver.ts'
import { type FakeDns, startFakeDns } from '../../support/fake-dns.ts'

const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 })
const publicDer = publicKey.export({ type: 'spki', format: 'der' }).toString('base64')
const dkimRecord = `v=DKIM1; k=rsa; p=${publicDer}`
const chunks = (s: string) => s.match(/.{1,255}/g) ?? []

const zone: DnsZone = {
  'example.test': { TXT: ['v=spf1 ip4:192.0.2.1 -all'], MX: [{ exchange: 'mx.example.test', priority: 10 }] },
  's2048._domainkey.example.test': { TXT: [chunks(dkimRecord)] },
  '_dmarc.example.test': { TXT: ['v=DMARC1; p=reject'] },
  'mx.example.test': { A: ['192.0.2.1'] },
}

let dns: FakeDns
beforeAll(async () => {
  dns = await startFakeDns(zone)
})
afterAll(() => dns.close())

const message = Buffer.from(
  'From: Ann <ann@example.test>\r\nTo: bob@example.net\r\nSubject: hello\r\n' +
    'Date: Thu, 01 Jan 2026 00:00:00 +0000\r\nMessage-ID: <1@example.test>\r\n\r\nHello Bob\r\n',
)

async function signed(): Promise<Buffer> {
  // mailauth's index.d.ts declares top-level signing fields, but the code reads signatureData[] (shared notes §7).
  const options = {
    signatureData: [
      {
        signingDomain: 'example.test',
        selector: 's2048',
        privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }),
      },
    ],
  } as unknown as Parameters<typeof dkimSign>[1]
  const { signatures } = await dkimSign(message, options)
  expect(signatures).toContain('DKIM-Signature:')
  return Buffer.concat([Buffer.from(signatures), message])
}

const resolver = () =>
  mailauthResolver(createResolver({ servers: [dns.address], timeoutMs: 2000, clock: manualClock() }))

describe('mailauth over the stub resolver and the fake DNS server', () => {
  test('the DKIM key record is served as 255-byte strings of one record', async () => {
    expect(chunks(dkimRecord).length).toBeGreaterThan(1)
    const txt = (await resolver()('s2048._domainkey.example.test', 'TXT')) as unknown as string[][]
    expect(txt).toHaveLength(1)
    expect(txt[0]?.join('')).toBe(dkimRecord)
  })

  test('dkim=pass, spf=pass, dmarc=pass for a signed message from an allowed IP', async () => {
    const result = await authenticate(await signed(), {
      ip: '192.0.2.1',
      helo: 'mx.example.test',
      sender: 'ann@example.test',
      mta: 'mx.example.net',
      resolver: resolver(),
    })
    expect(result.dkim.results[0]?.status.result).toBe('pass')
    expect(result.spf && result.spf.status.result).toBe('pass')
    expect(result.dmarc && result.dmarc.status.result).toBe('pass')
  })

  test('spf=fail for another IP; the signature still passes', async () => {
    const result = await authenticate(await signed(), {
      ip: '198.51.100.7',
      helo: 'evil.example.net',
      sender: 'ann@example.test',
      mta: 'mx.example.net',
      resolver: resolver(),
    })
    expect(result.spf && result.spf.status.result).toBe('fail')
    expect(result.dkim.results[0]?.status.result).toBe('pass')
  })

  test('a tampered body does not pass DKIM', async () => {
    const tampered = Buffer.from((await signed()).toString().replace('Hello Bob', 'Hello Eve'))
    const result = await authenticate(tampered, {
      ip: '192.0.2.1',
      helo: 'mx.example.test',
      sender: 'ann@example.test',
      mta: 'mx.example.net',
      resolver: resolver(),
    })
    // mailauth reports a body hash mismatch as neutral (RFC 6376 §6.3 leaves the wording to the verifier).
    expect(result.dkim.results[0]?.status).toMatchObject({ result: 'neutral', comment: 'body hash did not verify' })
  })
})

describe('mailauthResolver error codes (memory resolver)', () => {
  const memory = createMemoryResolver(zone)
  const resolve = mailauthResolver(memory)

  async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
    try {
      await promise
    } catch (e) {
      return (e as { code?: string }).code
    }
    return undefined
  }

  test('record types map to Node shapes', async () => {
    expect(await resolve('example.test', 'MX')).toEqual([{ exchange: 'mx.example.test', priority: 10 }] as never)
    expect(await resolve('mx.example.test', 'A')).toEqual(['192.0.2.1'] as never)
    expect(await resolve('example.test', 'TXT')).toEqual([['v=spf1 ip4:192.0.2.1 -all']] as never)
  })

  test('no record vs failures', async () => {
    expect(await codeOf(resolve('nope.example.test', 'TXT'))).toBe('ENOTFOUND')
    expect(await codeOf(resolve('mx.example.test', 'AAAA'))).toBe('ENODATA')
    expect(await codeOf(resolve('example.test', 'HINFO'))).toBe('ENOTIMP')
    memory.fail('example.test', 'ETIMEOUT', 'TXT')
    expect(await codeOf(resolve('example.test', 'TXT'))).toBe('ETIMEOUT')
    memory.clearFailures()
  })

  test('SPF turns a resolver timeout into temperror', async () => {
    memory.fail('example.test', 'ETIMEOUT', 'TXT')
    const result = await authenticate(message, {
      ip: '192.0.2.1',
      helo: 'mx.example.test',
      sender: 'ann@example.test',
      mta: 'mx.example.net',
      resolver: resolve,
    })
    memory.clearFailures()
    expect(result.spf && result.spf.status.result).toBe('temperror')
  })
})
