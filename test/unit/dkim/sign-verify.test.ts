// Signatures from signDkimMessage checked by an independent verifier: mailauth's dkimVerify, fed the
// public keys through its resolver option as the TXT records `domain dns` publishes. RSA-2048 and
// Ed25519 on messages with 8-bit bodies, long folded headers, no body, bare LFs, many signed fields;
// then tampering (an added From, a changed body or subject) must make both fail.
import { beforeAll, describe, expect, test } from 'bun:test'
import { dkimVerify } from 'mailauth/lib/dkim/verify.js'
import { importDkimPrivateKey } from '../../../src/delivery/dkim/dkim-crypto-key.ts'
import { dkimTxtValue } from '../../../src/delivery/dkim/dkim-dns-records.ts'
import { generateDkimKey } from '../../../src/delivery/dkim/generate-dkim-key.ts'
import { type DkimSigningKey, signDkimMessage } from '../../../src/delivery/dkim/sign-message.ts'

const DOMAIN = 'sender.test'
const SIGNED_AT = new Date()
const records = new Map<string, string>()
let keys: DkimSigningKey[] = []

beforeAll(async () => {
  const [rsa, ed] = await Promise.all([generateDkimKey('rsa-sha256', 2048), generateDkimKey('ed25519-sha256')])
  for (const [selector, k] of [
    ['rsa1', rsa],
    ['ed1', ed],
  ] as const) {
    records.set(`${selector}._domainkey.${DOMAIN}`, dkimTxtValue(k.algorithm, k.publicKey))
    keys.push({
      domain: DOMAIN,
      selector,
      algorithm: k.algorithm,
      key: await importDkimPrivateKey(k.algorithm, k.privateKey),
    })
  }
})

/** mailauth's resolver option: node:dns.resolve's shape, TXT records as lists of strings. */
const resolver = async (name: string, type: string) => {
  const value = type === 'TXT' ? records.get(name) : undefined
  if (value === undefined) throw Object.assign(new Error(`queryTxt ENOTFOUND ${name}`), { code: 'ENOTFOUND' })
  return [[value]]
}

const bytes = (s: string) => new Uint8Array(Buffer.from(s, 'utf8'))

async function sign(message: Uint8Array, with_ = keys) {
  const { fields, failures } = await signDkimMessage(message, with_, SIGNED_AT)
  expect(failures).toEqual([])
  return Buffer.concat([Buffer.from(fields, 'latin1'), message])
}

async function verify(signed: Uint8Array) {
  const result = await dkimVerify(Buffer.from(signed), { resolver } as unknown as Parameters<typeof dkimVerify>[1])
  return result.results.map(r => ({ algo: String(r.algo), result: String(r.status.result) }))
}

const BOTH_PASS = [
  { algo: 'rsa-sha256', result: 'pass' },
  { algo: 'ed25519-sha256', result: 'pass' },
]

const head = (extra = '') =>
  `From: Ann Example <ann@${DOMAIN}>\r\nTo: Bob <bob@remote.test>\r\nSubject: Hello\r\n` +
  `Date: Mon, 01 Jan 2024 10:00:00 +0000\r\nMessage-ID: <m1@${DOMAIN}>\r\n${extra}`

describe('mailauth verifies our signatures', () => {
  const cases: [string, string][] = [
    ['a plain message', `${head()}\r\nHello Bob,\r\nsee you.\r\n`],
    [
      'an 8-bit body and header (RFC 6152, RFC 6532)',
      `${head('Subject: Grüße aus Köln ☕\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n')}\r\n` +
        'Schöne Grüße — à bientôt, 日本語のテキスト\r\n\u00a0indented by a no-break space\u00a0\r\n',
    ],
    [
      'long folded headers',
      `${head(
        `X-Long: ${'word '.repeat(200).trim()}\r\n` +
          `Cc: ${Array.from({ length: 30 }, (_, i) => `Person ${i} <p${i}@remote.test>`).join(',\r\n\t')}\r\n` +
          `References: ${Array.from({ length: 20 }, (_, i) => `<ref-${i}@${DOMAIN}>`).join('\r\n ')}\r\n` +
          'Subject:    spaced      out\r\n\t  and folded   \r\n',
      )}\r\nbody\r\n`,
    ],
    ['no body after the empty line', `${head()}\r\n`],
    ['no empty line at all', head()],
    ['a body without a final CRLF', `${head()}\r\nlast line without CRLF`],
    ['whitespace at line ends and trailing empty lines', `${head()}\r\nline  \t\r\n \r\n  indented\r\n\r\n\r\n\r\n`],
    ['bare LF line ends', `${head()}\r\nunix\nline ends\n\n`.replace(/\r\n/g, '\n')],
    [
      'many signed fields (h= folds across lines)',
      `${head(
        'Reply-To: r@sender.test\r\nSender: s@sender.test\r\nIn-Reply-To: <p@x.test>\r\nMIME-Version: 1.0\r\n' +
          'Content-Type: text/plain\r\nContent-Transfer-Encoding: 7bit\r\nList-Id: <list.sender.test>\r\n' +
          'List-Help: <mailto:h@sender.test>\r\nList-Unsubscribe: <mailto:u@sender.test>\r\n' +
          'List-Subscribe: <mailto:s@sender.test>\r\nList-Post: <mailto:p@sender.test>\r\n' +
          'List-Owner: <mailto:o@sender.test>\r\nList-Archive: <https://sender.test/a>\r\n' +
          'Resent-Date: Mon, 01 Jan 2024 10:00:00 +0000\r\nResent-From: x@sender.test\r\n',
      )}\r\nbody\r\n`,
    ],
    [
      'duplicate fields',
      `${head('To: Second <second@remote.test>\r\nCc: c1@remote.test\r\nCc: c2@remote.test\r\nReceived: from a by b\r\n')}\r\nbody\r\n`,
    ],
    ['upper-case field names', `FROM: ann@${DOMAIN}\r\nSUBJECT: shouting\r\nTO: bob@remote.test\r\n\r\nbody\r\n`],
    ['a large body', `${head()}\r\n${'The quick brown fox jumps over the lazy dog.  \r\n'.repeat(20_000)}`],
  ]

  test.each(cases)('%s', async (_, message) => {
    const signed = await sign(bytes(message))
    expect(await verify(signed)).toEqual(BOTH_PASS)
  })

  test('every line of the added fields stays within 78 characters and ends in CRLF', async () => {
    const { fields } = await signDkimMessage(bytes(cases[8]?.[1] ?? ''), keys, SIGNED_AT)
    expect(fields.endsWith('\r\n')).toBe(true)
    for (const line of fields.slice(0, -2).split('\r\n')) expect(line.length).toBeLessThanOrEqual(78)
    expect(fields.match(/^DKIM-Signature: /gm)).toHaveLength(2)
    expect(fields).toContain(`t=${Math.floor(SIGNED_AT.getTime() / 1000)};`)
  })
})

describe('tampering breaks both signatures', () => {
  const original = `${head()}\r\nPay invoice 1234.\r\n`

  test.each([
    [
      'a From added above the signed one (oversigned, RFC 6376 §8.15)',
      (s: string) => `From: evil@attacker.test\r\n${s}`,
    ],
    [
      'a From added below the signed one',
      (s: string) => s.replace('\r\n\r\nPay', '\r\nFrom: evil@attacker.test\r\n\r\nPay'),
    ],
    ['a changed body', (s: string) => s.replace('1234', '9999')],
    ['an added body line', (s: string) => `${s}PS: also pay 9999\r\n`],
    ['a changed subject', (s: string) => s.replace('Subject: Hello', 'Subject: Urgent')],
  ])('%s', async (_, tamper) => {
    const signed = (await sign(bytes(original))).toString('latin1')
    expect(await verify(Buffer.from(signed, 'latin1'))).toEqual(BOTH_PASS)
    const results = await verify(Buffer.from(tamper(signed), 'latin1'))
    expect(results).toHaveLength(2)
    // mailauth says "neutral (body hash did not verify)" for a body change, "fail" for a header change.
    for (const r of results) expect(['fail', 'neutral']).toContain(r.result)
  })

  test('refolding and respacing the header (relaxed canonicalization) still passes', async () => {
    const signed = (await sign(bytes(original))).toString('latin1')
    const moved = signed.replace('Subject: Hello', 'subject:\r\n   Hello  ')
    expect(await verify(Buffer.from(moved, 'latin1'))).toEqual(BOTH_PASS)
  })
})

describe('failures', () => {
  test('a message without From is not signed (RFC 6376 §5.4)', async () => {
    await expect(signDkimMessage(bytes('To: bob@remote.test\r\n\r\nbody\r\n'), keys, SIGNED_AT)).rejects.toThrow(
      'without a From field',
    )
  })

  test('a key that cannot sign is reported; the others still sign', async () => {
    const [rsa, ed] = keys as [DkimSigningKey, DkimSigningKey]
    // An RSA CryptoKey labelled Ed25519: WebCrypto refuses the operation.
    const broken: DkimSigningKey = { ...rsa, selector: 'broken', algorithm: 'ed25519-sha256' }
    const message = bytes(`${head()}\r\nbody\r\n`)
    const { fields, failures } = await signDkimMessage(message, [broken, ed], SIGNED_AT)
    expect(failures.map(f => f.selector)).toEqual(['broken'])
    expect(fields.match(/^DKIM-Signature: /gm)).toHaveLength(1)
    expect(await verify(Buffer.concat([Buffer.from(fields, 'latin1'), message]))).toEqual([
      { algo: 'ed25519-sha256', result: 'pass' },
    ])
  })
})
