// An independent AWS Signature Version 4 verifier for the loopback stand-ins: it recomputes the
// signature from the request as received (canonical request, string to sign, derived key) and
// compares, for Authorization-header and presigned (query) requests alike. Written from the
// SigV4 specification with node:crypto only, so it does not share code with the client (aws4fetch).
import { createHash, createHmac, timingSafeEqual } from 'node:crypto'

export interface SigV4Secrets {
  /** Access key id → secret. */
  keys: ReadonlyMap<string, string>
  region: string
  /** "now" for the clock-skew and expiry checks. */
  now: () => Date
}

export type SigV4Result =
  | { ok: true; accessKeyId: string; service: string; presigned: boolean }
  | {
      ok: false
      code:
        | 'MissingAuthenticationToken'
        | 'IncompleteSignature'
        | 'InvalidClientTokenId'
        | 'SignatureDoesNotMatch'
        | 'RequestExpired'
        | 'XAmzContentSHA256Mismatch'
      reason: string
    }

const sha256Hex = (data: string | Uint8Array) => createHash('sha256').update(data).digest('hex')
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest()

/** RFC 3986 unreserved characters stay; everything else is %XX (upper case), as SigV4 requires. */
export const uriEncode = (s: string) =>
  encodeURIComponent(s).replace(/[!'()*]/g, c => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)

function canonicalUri(rawPath: string, service: string): string {
  const segments = rawPath.split('/')
  // S3 signs the path encoded once; other services encode the (already encoded) path again.
  if (service === 's3') return segments.map(seg => uriEncode(decodeURIComponent(seg))).join('/') || '/'
  return segments.map(seg => uriEncode(seg)).join('/') || '/'
}

function canonicalQuery(params: URLSearchParams, skip: string | null): string {
  return [...params]
    .filter(([k]) => k !== skip)
    .map(([k, v]) => [uriEncode(k), uriEncode(v)] as const)
    .sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&')
}

const parseAmzDate = (s: string) => {
  const m = /^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/.exec(s)
  return m ? new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!)) : null
}

export function signingKey(secret: string, date: string, region: string, service: string): Buffer {
  return hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), service), 'aws4_request')
}

/** Checks one request. `body` is the raw payload as received. */
export function verifySigV4(
  method: string,
  url: URL,
  headers: Headers,
  body: Uint8Array,
  secrets: SigV4Secrets,
): SigV4Result {
  const presigned = url.searchParams.has('X-Amz-Signature')
  let credential: string
  let signedHeadersList: string
  let signature: string
  let amzDate: string
  if (presigned) {
    if (url.searchParams.get('X-Amz-Algorithm') !== 'AWS4-HMAC-SHA256')
      return { ok: false, code: 'IncompleteSignature', reason: 'X-Amz-Algorithm must be AWS4-HMAC-SHA256' }
    credential = url.searchParams.get('X-Amz-Credential') ?? ''
    signedHeadersList = url.searchParams.get('X-Amz-SignedHeaders') ?? ''
    signature = url.searchParams.get('X-Amz-Signature') ?? ''
    amzDate = url.searchParams.get('X-Amz-Date') ?? ''
  } else {
    const auth = headers.get('authorization')
    if (!auth) return { ok: false, code: 'MissingAuthenticationToken', reason: 'no Authorization header' }
    const m = /^AWS4-HMAC-SHA256 Credential=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]{64})$/.exec(
      auth,
    )
    if (!m) return { ok: false, code: 'IncompleteSignature', reason: `malformed Authorization: ${auth.slice(0, 60)}` }
    ;[, credential, signedHeadersList, signature] = m as unknown as [string, string, string, string]
    amzDate = headers.get('x-amz-date') ?? ''
  }
  const [accessKeyId, date, region, service, terminator, ...extra] = credential.split('/')
  if (!accessKeyId || !date || !region || !service || terminator !== 'aws4_request' || extra.length > 0)
    return { ok: false, code: 'IncompleteSignature', reason: `bad credential scope ${credential}` }
  const secret = secrets.keys.get(accessKeyId)
  if (secret === undefined)
    return { ok: false, code: 'InvalidClientTokenId', reason: `unknown access key ${accessKeyId}` }
  const when = parseAmzDate(amzDate)
  if (!when || amzDate.slice(0, 8) !== date)
    return {
      ok: false,
      code: 'IncompleteSignature',
      reason: `X-Amz-Date ${amzDate} does not match the scope date ${date}`,
    }
  if (region !== secrets.region)
    return { ok: false, code: 'SignatureDoesNotMatch', reason: `scope region ${region}, expected ${secrets.region}` }
  const now = secrets.now().getTime()
  if (presigned) {
    const expires = Number(url.searchParams.get('X-Amz-Expires') ?? 'NaN')
    if (!Number.isInteger(expires) || expires < 1 || expires > 604_800)
      return { ok: false, code: 'IncompleteSignature', reason: 'X-Amz-Expires must be 1..604800' }
    if (now > when.getTime() + expires * 1000)
      return { ok: false, code: 'RequestExpired', reason: 'presigned URL expired' }
  } else if (Math.abs(now - when.getTime()) > 15 * 60 * 1000)
    return { ok: false, code: 'RequestExpired', reason: 'request time too skewed' }

  const signedHeaders = signedHeadersList.split(';')
  if (!signedHeaders.includes('host'))
    return { ok: false, code: 'SignatureDoesNotMatch', reason: 'host is not among the signed headers' }
  const canonicalHeaders: string[] = []
  for (const name of signedHeaders) {
    const value = name === 'host' ? (headers.get('host') ?? url.host) : headers.get(name)
    if (value === null) return { ok: false, code: 'SignatureDoesNotMatch', reason: `signed header ${name} is missing` }
    canonicalHeaders.push(`${name}:${value.trim().replace(/\s+/g, ' ')}\n`)
  }

  const actualHash = sha256Hex(body)
  let payloadHash: string
  const declared = headers.get('x-amz-content-sha256')
  if (presigned) payloadHash = service === 's3' ? 'UNSIGNED-PAYLOAD' : sha256Hex('')
  else if (declared) {
    if (declared !== 'UNSIGNED-PAYLOAD' && declared !== actualHash)
      return { ok: false, code: 'XAmzContentSHA256Mismatch', reason: 'x-amz-content-sha256 does not match the body' }
    payloadHash = declared
  } else payloadHash = actualHash

  const canonicalRequest = [
    method,
    canonicalUri(url.pathname, service),
    canonicalQuery(url.searchParams, presigned ? 'X-Amz-Signature' : null),
    canonicalHeaders.join(''),
    signedHeadersList,
    payloadHash,
  ].join('\n')
  const scope = `${date}/${region}/${service}/aws4_request`
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(canonicalRequest)].join('\n')
  const expected = createHmac('sha256', signingKey(secret, date, region, service))
    .update(stringToSign)
    .digest()
  const given = Buffer.from(signature, 'hex')
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return {
      ok: false,
      code: 'SignatureDoesNotMatch',
      reason: `signature mismatch; canonical request:\n${canonicalRequest}`,
    }
  return { ok: true, accessKeyId, service, presigned }
}
