// The DKIM-Signature field and the data it signs: h= choice (§5.4, bottom-up duplicates and an
// oversigned From, §5.4.2), layout and folding, bad tag values, key import, and the RFC 8463
// Appendix A vectors reproduced bit for bit (RSASSA-PKCS1-v1_5 and Ed25519 are deterministic).
import { describe, expect, test } from 'bun:test'
import { createPrivateKey, generateKeyPairSync } from 'node:crypto'
import { canonicalizeBody } from '../../../src/delivery/dkim/canonicalize.ts'
import { importDkimPrivateKey } from '../../../src/delivery/dkim/dkim-crypto-key.ts'
import {
  canonicalizeSignedFields,
  chooseSignedFields,
  completeSignatureField,
  type DkimSignatureTags,
  signingInput,
  unsignedSignatureField,
} from '../../../src/delivery/dkim/dkim-signature.ts'
import { readRawHeaderFields } from '../../../src/delivery/dkim/raw-header-fields.ts'
import { signHeaderData } from '../../../src/delivery/dkim/sign-message.ts'

const bytes = (s: string) => new Uint8Array(Buffer.from(s, 'latin1'))
const fieldsOf = (s: string) => readRawHeaderFields(bytes(s)).fields

describe('chooseSignedFields (RFC 6376 §5.4)', () => {
  test('signed fields bottom-up, trace and unknown fields left out, From named once more', () => {
    const fields = fieldsOf(
      'Received: from a by b\r\nReturn-Path: <a@b.test>\r\nFrom: A <a@b.test>\r\nTo: c@d.test\r\n' +
        'Subject: hi\r\nX-Mailer: x\r\nDate: Mon, 1 Jan 2024 00:00:00 +0000\r\nMessage-ID: <1@b.test>\r\n' +
        'MIME-Version: 1.0\r\nContent-Type: text/plain\r\nList-Unsubscribe: <mailto:u@b.test>\r\n\r\n',
    )
    expect(chooseSignedFields(fields)).toEqual([
      'list-unsubscribe',
      'content-type',
      'mime-version',
      'message-id',
      'date',
      'subject',
      'to',
      'from',
      'from',
    ])
  })
  test('every instance of a duplicated field is named', () => {
    const fields = fieldsOf('From: a@b.test\r\nTo: one@x.test\r\nCc: c@x.test\r\nTo: two@x.test\r\n\r\n')
    expect(chooseSignedFields(fields)).toEqual(['to', 'cc', 'to', 'from', 'from'])
  })
})

describe('canonicalizeSignedFields (§5.4.2)', () => {
  const fields = fieldsOf(
    'From: a@b.test\r\nTo: one@x.test\r\nSubject: s\r\nTo: two@x.test\r\nTO: three@x.test\r\n\r\n',
  )
  test.each([
    [['to'], 'to:three@x.test\r\n'],
    [['to', 'to'], 'to:three@x.test\r\nto:two@x.test\r\n'],
    [['to', 'to', 'to'], 'to:three@x.test\r\nto:two@x.test\r\nto:one@x.test\r\n'],
    [['to', 'to', 'to', 'to'], 'to:three@x.test\r\nto:two@x.test\r\nto:one@x.test\r\n'],
    [['from', 'from'], 'from:a@b.test\r\n'],
    [['FROM', 'Subject'], 'from:a@b.test\r\nsubject:s\r\n'],
    [['subject', 'to', 'from'], 'subject:s\r\nto:three@x.test\r\nfrom:a@b.test\r\n'],
    [['cc'], ''],
  ])('h=%j', (names, expected) => {
    expect(canonicalizeSignedFields(fields, names, 'relaxed')).toBe(expected)
  })
  test('simple canonicalization keeps the fields as they are', () => {
    expect(canonicalizeSignedFields(fieldsOf('TO:  x\r\n\r\n'), ['to'], 'simple')).toBe('TO:  x\r\n')
  })
})

describe('the DKIM-Signature field', () => {
  const tags: DkimSignatureTags = {
    algorithm: 'rsa-sha256',
    domain: 'example.test',
    selector: 's20260102r',
    timestamp: 1_767_323_045,
    signedNames: ['subject', 'to', 'from', 'from'],
    bodyHash: '47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=',
  }
  const signature = Buffer.alloc(256, 7).toString('base64')

  test('tags, an empty b= on its own line, then the folded signature', () => {
    const unsigned = unsignedSignatureField(tags)
    expect(unsigned).toBe(
      'DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.test;\r\n' +
        '\ts=s20260102r; t=1767323045; h=subject:to:from:from;\r\n' +
        '\tbh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=;\r\n\tb=',
    )
    const complete = completeSignatureField(unsigned, signature)
    expect(complete.startsWith(unsigned)).toBe(true)
    expect(complete.endsWith('\r\n')).toBe(true)
    const b = complete.slice(unsigned.length).replace(/\s+/g, '')
    expect(b).toBe(signature)
  })

  test('every line stays within 78 characters, a long h= folds between names', () => {
    const many = Array.from({ length: 40 }, (_, i) => `x-long-field-name-${i}`)
    const complete = completeSignatureField(unsignedSignatureField({ ...tags, signedNames: many }), signature)
    const lines = complete.slice(0, -2).split('\r\n')
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(78)
    for (const line of lines.slice(1)) expect(line.startsWith('\t')).toBe(true)
    const h = /h=([^;]*);/.exec(complete.replace(/\r\n\t/g, ''))?.[1]
    expect(h?.split(':')).toEqual(many)
  })

  test.each([
    ['a domain with a semicolon', { domain: 'example.test; x=1' }, 'signing domain'],
    ['a domain with a space', { domain: 'example .test' }, 'signing domain'],
    ['an empty selector', { selector: '' }, 'selector'],
    ['a selector with a CRLF', { selector: 's1\r\nBcc: x' }, 'selector'],
    ['a negative time', { timestamp: -1 }, 'time'],
    ['a fractional time', { timestamp: 1.5 }, 'time'],
    ['an empty h=', { signedNames: [] }, 'h='],
    ['a field name with a colon', { signedNames: ['from:to'] }, 'h='],
  ])('refuses %s', (_, change, message) => {
    expect(() => unsignedSignatureField({ ...tags, ...change })).toThrow(message)
  })
})

describe('importDkimPrivateKey', () => {
  const rsa1024 = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey
  const rsa512 = generateKeyPairSync('rsa', { modulusLength: 512 }).privateKey
  const ed = generateKeyPairSync('ed25519').privateKey
  const pkcs8 = (k: typeof ed) => k.export({ type: 'pkcs8', format: 'pem' }).toString()

  test('PKCS#8 RSA and Ed25519 keys import as non-extractable signing keys', async () => {
    const r = await importDkimPrivateKey('rsa-sha256', pkcs8(rsa1024))
    expect(r.extractable).toBe(false)
    expect(r.usages).toEqual(['sign'])
    const e = await importDkimPrivateKey('ed25519-sha256', pkcs8(ed))
    expect(e.algorithm.name).toBe('Ed25519')
  })
  test.each([
    ['an RSA key under 1024 bits (RFC 8301 §3.2)', 'rsa-sha256' as const, () => pkcs8(rsa512), 'at least 1024'],
    [
      'a PKCS#1 PEM',
      'rsa-sha256' as const,
      () => rsa1024.export({ type: 'pkcs1', format: 'pem' }).toString(),
      'PKCS#8',
    ],
    ['garbage', 'ed25519-sha256' as const, () => 'not a key', 'PKCS#8'],
    ['an Ed25519 key as RSA', 'rsa-sha256' as const, () => pkcs8(ed), ''],
    ['an RSA key as Ed25519', 'ed25519-sha256' as const, () => pkcs8(rsa1024), ''],
    [
      'a truncated key',
      'rsa-sha256' as const,
      () => {
        const der = rsa1024.export({ type: 'pkcs8', format: 'der' })
        return `-----BEGIN PRIVATE KEY-----\n${der.subarray(0, -20).toString('base64')}\n-----END PRIVATE KEY-----`
      },
      '',
    ],
  ])('refuses %s', async (_, algorithm, pem, message) => {
    await expect(importDkimPrivateKey(algorithm, pem())).rejects.toThrow(message)
  })
})

// RFC 8463 Appendix A: the keys (A.1) and the signed message (A.3).
const RFC8463_ED25519_SEED = 'nWGxne/9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A='
const RFC8463_RSA_KEY = `-----BEGIN RSA PRIVATE KEY-----
MIICXQIBAAKBgQDkHlOQoBTzWRiGs5V6NpP3idY6Wk08a5qhdR6wy5bdOKb2jLQi
Y/J16JYi0Qvx/byYzCNb3W91y3FutACDfzwQ/BC/e/8uBsCR+yz1Lxj+PL6lHvqM
KrM3rG4hstT5QjvHO9PzoxZyVYLzBfO2EeC3Ip3G+2kryOTIKT+l/K4w3QIDAQAB
AoGAH0cxOhFZDgzXWhDhnAJDw5s4roOXN4OhjiXa8W7Y3rhX3FJqmJSPuC8N9vQm
6SVbaLAE4SG5mLMueHlh4KXffEpuLEiNp9Ss3O4YfLiQpbRqE7Tm5SxKjvvQoZZe
zHorimOaChRL2it47iuWxzxSiRMv4c+j70GiWdxXnxe4UoECQQDzJB/0U58W7RZy
6enGVj2kWF732CoWFZWzi1FicudrBFoy63QwcowpoCazKtvZGMNlPWnC7x/6o8Gc
uSe0ga2xAkEA8C7PipPm1/1fTRQvj1o/dDmZp243044ZNyxjg+/OPN0oWCbXIGxy
WvmZbXriOWoSALJTjExEgraHEgnXssuk7QJBALl5ICsYMu6hMxO73gnfNayNgPxd
WFV6Z7ULnKyV7HSVYF0hgYOHjeYe9gaMtiJYoo0zGN+L3AAtNP9huqkWlzECQE1a
licIeVlo1e+qJ6Mgqr0Q7Aa7falZ448ccbSFYEPD6oFxiOl9Y9se9iYHZKKfIcst
o7DUw1/hz2Ck4N5JrgUCQQCyKveNvjzkkd8HjYs0SwM0fPjK16//5qDZ2UiDGnOe
uEzxBDAr518Z8VFbR41in3W4Y3yCDgQlLlcETrS+zYcL
-----END RSA PRIVATE KEY-----`
const RFC8463_MESSAGE = [
  'DKIM-Signature: v=1; a=ed25519-sha256; c=relaxed/relaxed;',
  ' d=football.example.com; i=@football.example.com;',
  ' q=dns/txt; s=brisbane; t=1528637909; h=from : to :',
  ' subject : date : message-id : from : subject : date;',
  ' bh=2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=;',
  ' b=/gCrinpcQOoIfuHNQIbq4pgh9kyIK3AQUdt9OdqQehSwhEIug4D11Bus',
  ' Fa3bT3FY5OsU7ZbnKELq+eXdp1Q1Dw==',
  'DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed;',
  ' d=football.example.com; i=@football.example.com;',
  ' q=dns/txt; s=test; t=1528637909; h=from : to : subject :',
  ' date : message-id : from : subject : date;',
  ' bh=2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=;',
  ' b=F45dVWDfMbQDGHJFlXUNB2HKfbCeLRyhDXgFpEL8GwpsRe0IeIixNTe3',
  ' DhCVlUrSjV4BwcVcOF6+FF3Zo9Rpo1tFOeS9mPYQTnGdaSGsgeefOsk2Jz',
  ' dA+L10TeYt9BgDfQNZtKdN1WO//KgIqXP7OdEFE4LjFYNcUxZQ4FADY+8=',
  'From: Joe SixPack <joe@football.example.com>',
  'To: Suzie Q <suzie@shopping.example.net>',
  'Subject: Is dinner ready?',
  'Date: Fri, 11 Jul 2003 21:00:37 -0700 (PDT)',
  'Message-ID: <20030712040037.46341.5F8J@football.example.com>',
  '',
  'Hi.',
  '',
  'We lost the game.  Are you hungry yet?',
  '',
  'Joe.',
  '',
].join('\r\n')

describe('RFC 8463 Appendix A vectors', () => {
  const message = bytes(RFC8463_MESSAGE)
  const { fields, bodyOffset } = readRawHeaderFields(message)
  const signatures = fields.filter(f => f.name === 'dkim-signature')
  /** What a verifier rebuilds from a received field: its h= list, b= and the field with b= emptied. */
  const parts = (raw: string) => {
    const unfolded = raw.replace(/\r\n/g, '')
    return {
      h: (/h=([^;]*);/.exec(unfolded)?.[1] ?? '').split(':').map(n => n.trim()),
      b: (/\bb=([^;]*)$/.exec(unfolded)?.[1] ?? '').replace(/\s+/g, ''),
      unsigned: raw.replace(/\bb=[^;]*$/, 'b='),
    }
  }
  const inputOf = (raw: string) => {
    const p = parts(raw)
    return { ...p, input: signingInput(canonicalizeSignedFields(fields, p.h, 'relaxed'), p.unsigned, 'relaxed') }
  }

  test('the body hash', () => {
    const hash = new Bun.CryptoHasher('sha256').update(canonicalizeBody(message.subarray(bodyOffset), 'relaxed'))
    expect(hash.digest('base64')).toBe('2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=')
  })

  test('ed25519-sha256: the published b= from the A.1 key', async () => {
    const { b, input } = inputOf(signatures[0]?.raw ?? '')
    const der = Buffer.concat([
      Buffer.from('302e020100300506032b657004220420', 'hex'),
      Buffer.from(RFC8463_ED25519_SEED, 'base64'),
    ])
    const pem = `-----BEGIN PRIVATE KEY-----\n${der.toString('base64')}\n-----END PRIVATE KEY-----\n`
    const key = await importDkimPrivateKey('ed25519-sha256', pem)
    expect(await signHeaderData({ algorithm: 'ed25519-sha256', key }, input)).toBe(b)
  })

  test('rsa-sha256: the published b= from the A.1 key', async () => {
    const { b, input } = inputOf(signatures[1]?.raw ?? '')
    const pem = createPrivateKey(RFC8463_RSA_KEY).export({ type: 'pkcs8', format: 'pem' }).toString()
    const key = await importDkimPrivateKey('rsa-sha256', pem)
    expect(await signHeaderData({ algorithm: 'rsa-sha256', key }, input)).toBe(b)
  })

  test('a changed oversigned field changes the signed data', async () => {
    const { h, unsigned } = parts(signatures[0]?.raw ?? '')
    const original = signingInput(canonicalizeSignedFields(fields, h, 'relaxed'), unsigned, 'relaxed')
    const extra = readRawHeaderFields(bytes(RFC8463_MESSAGE.replace('From: Joe', 'Subject: Free money\r\nFrom: Joe')))
    const tampered = signingInput(canonicalizeSignedFields(extra.fields, h, 'relaxed'), unsigned, 'relaxed')
    expect(Buffer.compare(Buffer.from(original), Buffer.from(tampered))).not.toBe(0)
  })
})
