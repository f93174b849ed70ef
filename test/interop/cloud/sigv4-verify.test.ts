// The stand-ins' SigV4 check must itself be right: it accepts AWS's published example and what a
// real client signs, and rejects every kind of tampering.
import { describe, expect, test } from 'bun:test'
import { AwsClient } from 'aws4fetch'
import { type SigV4Secrets, verifySigV4 } from './sigv4-verify.ts'

const SECRET = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY'
const at = (iso: string): SigV4Secrets => ({
  keys: new Map([['AKIDEXAMPLE', SECRET]]),
  region: 'us-east-1',
  now: () => new Date(iso),
})

test("AWS's SigV4 test suite example (get-vanilla) verifies", () => {
  const headers = new Headers({
    host: 'example.amazonaws.com',
    'x-amz-date': '20150830T123600Z',
    authorization:
      'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31',
  })
  const url = new URL('https://example.amazonaws.com/')
  expect(verifySigV4('GET', url, headers, new Uint8Array(), at('2015-08-30T12:36:00Z')).ok).toBe(true)
  headers.set('authorization', (headers.get('authorization') as string).replace('5fa00', '5fa01'))
  expect(verifySigV4('GET', url, headers, new Uint8Array(), at('2015-08-30T12:36:00Z'))).toMatchObject({
    ok: false,
    code: 'SignatureDoesNotMatch',
  })
})

const client = (service: string) =>
  new AwsClient({ accessKeyId: 'AKIDEXAMPLE', secretAccessKey: SECRET, service, region: 'us-east-1', retries: 0 })
const NOW = '2026-03-01T10:00:00Z'
const DATETIME = '20260301T100000Z'

async function signed(service: string, url: string, init: RequestInit, signQuery = false) {
  const req = await client(service).sign(url, { ...init, aws: { datetime: DATETIME, signQuery } })
  const body = new Uint8Array(await req.clone().arrayBuffer())
  const headers = new Headers(req.headers)
  headers.set('host', new URL(req.url).host)
  return { method: req.method, url: new URL(req.url), headers, body }
}
const check = (r: Awaited<ReturnType<typeof signed>>, iso = NOW) =>
  verifySigV4(r.method, r.url, r.headers, r.body, at(iso))

describe('requests signed by aws4fetch', () => {
  test.each<[string, string, string, RequestInit, boolean]>([
    [
      'query API POST',
      'cloudformation',
      'http://127.0.0.1:9/',
      {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'Action=DescribeStacks&StackName=a%20b',
      },
      false,
    ],
    [
      'JSON API',
      'ssm',
      'http://127.0.0.1:9/',
      {
        method: 'POST',
        headers: { 'x-amz-target': 'AmazonSSM.SendCommand', 'content-type': 'application/x-amz-json-1.1' },
        body: '{"a":1}',
      },
      false,
    ],
    [
      'S3 PUT, odd key',
      's3',
      "http://127.0.0.1:9/bucket/deploy/mail server ü!'(x)*",
      { method: 'PUT', body: 'data' },
      false,
    ],
    ['S3 GET with query', 's3', 'http://127.0.0.1:9/bucket/k?versionId=abc&list-type=2', { method: 'GET' }, false],
    [
      'S3 presigned GET',
      's3',
      'http://127.0.0.1:9/bucket/deploy/mail-server?X-Amz-Expires=900&versionId=v1',
      { method: 'GET' },
      true,
    ],
  ])('%s verifies', async (_name, service, url, init, signQuery) => {
    expect(check(await signed(service, url, init, signQuery))).toMatchObject({
      ok: true,
      service,
      presigned: signQuery,
    })
  })
})

describe('tampering is rejected', () => {
  const base = () =>
    signed('ssm', 'http://127.0.0.1:9/', {
      method: 'POST',
      headers: { 'x-amz-target': 'AmazonSSM.SendCommand' },
      body: '{"commands":["true"]}',
    })
  test.each<[string, (r: Awaited<ReturnType<typeof base>>) => void, string]>([
    [
      'another body',
      r => void (r.body = new TextEncoder().encode('{"commands":["rm -rf /"]}')),
      'SignatureDoesNotMatch',
    ],
    ['another method', r => void (r.method = 'PUT'), 'SignatureDoesNotMatch'],
    ['another path', r => void (r.url = new URL('http://127.0.0.1:9/x')), 'SignatureDoesNotMatch'],
    ['another signed header', r => r.headers.set('x-amz-target', 'AmazonSSM.GetParameter'), 'SignatureDoesNotMatch'],
    ['another host', r => r.headers.set('host', 'evil:9'), 'SignatureDoesNotMatch'],
    ['a signed header removed', r => r.headers.delete('x-amz-target'), 'SignatureDoesNotMatch'],
    ['no Authorization', r => r.headers.delete('authorization'), 'MissingAuthenticationToken'],
    ['garbled Authorization', r => r.headers.set('authorization', 'AWS4-HMAC-SHA256 nonsense'), 'IncompleteSignature'],
    [
      'unknown key',
      r =>
        r.headers.set('authorization', (r.headers.get('authorization') as string).replace('AKIDEXAMPLE', 'AKIDOTHER')),
      'InvalidClientTokenId',
    ],
  ])('%s', async (_name, tamper, code) => {
    const r = await base()
    tamper(r)
    expect(check(r)).toMatchObject({ ok: false, code })
  })

  test('requests older than 15 minutes are refused', async () => {
    expect(check(await base(), '2026-03-01T10:16:00Z')).toMatchObject({ ok: false, code: 'RequestExpired' })
    expect(check(await base(), '2026-03-01T10:14:00Z').ok).toBe(true)
  })

  test('a presigned URL expires, and its query cannot be changed', async () => {
    const r = await signed('s3', 'http://127.0.0.1:9/b/k?X-Amz-Expires=60', { method: 'GET' }, true)
    expect(check(r, '2026-03-01T10:00:59Z').ok).toBe(true)
    expect(check(r, '2026-03-01T10:01:01Z')).toMatchObject({ ok: false, code: 'RequestExpired' })
    r.url.searchParams.set('X-Amz-Expires', '604800')
    expect(check(r, '2026-03-01T10:01:01Z')).toMatchObject({ ok: false, code: 'SignatureDoesNotMatch' })
  })

  test('an S3 body that does not match its declared SHA-256 is refused', async () => {
    const data = new TextEncoder().encode('release')
    const sha = new Bun.CryptoHasher('sha256').update(data).digest('hex')
    const r = await signed('s3', 'http://127.0.0.1:9/b/k', {
      method: 'PUT',
      headers: { 'x-amz-content-sha256': sha },
      body: data,
    })
    expect(check(r).ok).toBe(true)
    r.body = new TextEncoder().encode('RELEASE')
    expect(check(r)).toMatchObject({ ok: false, code: 'XAmzContentSHA256Mismatch' })
  })

  test('a signature for another region is refused', async () => {
    const r = await base()
    expect(verifySigV4(r.method, r.url, r.headers, r.body, { ...at(NOW), region: 'eu-west-1' }).ok).toBe(false)
  })
})
