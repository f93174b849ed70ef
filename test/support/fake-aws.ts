// Local stand-ins for the two AWS endpoints SES delivery talks to:
// - an SESv2 API (POST /v2/email/outbound-emails) that CHECKS the SigV4 signature by recomputing it
//   from the request and the secret key it knows (canonical request → string to sign → HMAC chain,
//   AWS General Reference "Signature Version 4"), written here independently of aws4fetch;
// - an EC2 instance metadata service speaking IMDSv2 (PUT token, GET role, GET credentials).
import { createHash, createHmac } from 'node:crypto'

export interface AwsKeys {
  accessKeyId: string
  secretAccessKey: string
  sessionToken?: string
}

export interface SesRequestRecord {
  /** The signature matched the one recomputed with the known secret. */
  signatureValid: boolean
  reason: string | null
  body: {
    Destination?: { ToAddresses?: string[] }
    Content?: { Raw?: { Data?: string } }
    ConfigurationSetName?: string
  } | null
  /** The raw message decoded from Content.Raw.Data. */
  raw: string | null
}

export interface FakeSes {
  readonly url: string
  readonly requests: SesRequestRecord[]
  /** Answer the next requests with this (after the signature check); undefined = success. */
  setResponse(response: (() => Response) | undefined): void
  /** Accept these keys from now on (e.g. after an IMDS rotation). */
  setKeys(keys: AwsKeys): void
  close(): Promise<void>
}

const sha256Hex = (data: string | Uint8Array) => createHash('sha256').update(data).digest('hex')
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest()

/** Recompute the SigV4 signature of `request` with `secret`; null when it matches, else why not. */
export function checkSigV4(
  method: string,
  url: URL,
  headers: Headers,
  body: Uint8Array,
  keys: AwsKeys,
  region: string,
  service: string,
): string | null {
  const authorization = headers.get('authorization') ?? ''
  const m =
    /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/.exec(
      authorization,
    )
  if (!m) return 'malformed Authorization header'
  const [, keyId, date, scopeRegion, scopeService, signedHeaders, signature] = m as unknown as string[]
  if (keyId !== keys.accessKeyId) return `unknown access key ${keyId}`
  if (scopeRegion !== region || scopeService !== service) return `wrong scope ${scopeRegion}/${scopeService}`
  const amzDate = headers.get('x-amz-date') ?? ''
  if (!amzDate.startsWith(date as string)) return 'x-amz-date does not match the credential scope'
  if (keys.sessionToken !== undefined && headers.get('x-amz-security-token') !== keys.sessionToken)
    return 'missing or wrong x-amz-security-token'
  const names = (signedHeaders as string).split(';')
  for (const required of ['host', 'x-amz-date']) if (!names.includes(required)) return `${required} is not signed`
  const canonicalHeaders = names.map(n => `${n}:${(headers.get(n) ?? '').trim().replace(/\s+/g, ' ')}\n`).join('')
  const query = [...url.searchParams.entries()]
    .map(([k, v]) => [encodeURIComponent(k), encodeURIComponent(v)])
    .sort(([a], [b]) => (a as string).localeCompare(b as string))
    .map(([k, v]) => `${k}=${v}`)
    .join('&')
  const path = url.pathname
    .split('/')
    .map(segment => encodeURIComponent(encodeURIComponent(decodeURIComponent(segment))))
    .join('/')
  const canonicalRequest = [method, path, query, canonicalHeaders, signedHeaders, sha256Hex(body)].join('\n')
  const scope = `${date}/${region}/${service}/aws4_request`
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(canonicalRequest)].join('\n')
  const signingKey = hmac(
    hmac(hmac(hmac(`AWS4${keys.secretAccessKey}`, date as string), region), service),
    'aws4_request',
  )
  const expected = createHmac('sha256', signingKey).update(stringToSign).digest('hex')
  return expected === signature ? null : 'signature does not match'
}

export async function startFakeSes(keys: AwsKeys, region = 'eu-west-1'): Promise<FakeSes> {
  let accepted = keys
  let respond: (() => Response) | undefined
  const requests: SesRequestRecord[] = []
  let counter = 0
  const server = Bun.serve({
    hostname: '127.0.0.1',
    port: 0,
    async fetch(request) {
      const url = new URL(request.url)
      const body = new Uint8Array(await request.arrayBuffer())
      if (request.method !== 'POST' || url.pathname !== '/v2/email/outbound-emails')
        return new Response('{"message":"not found"}', { status: 404 })
      const reason = checkSigV4(request.method, url, request.headers, body, accepted, region, 'ses')
      let json: SesRequestRecord['body'] = null
      try {
        json = JSON.parse(new TextDecoder().decode(body))
      } catch {}
      const data = json?.Content?.Raw?.Data
      requests.push({
        signatureValid: reason === null,
        reason,
        body: json,
        raw: data ? Buffer.from(data, 'base64').toString() : null,
      })
      if (reason !== null)
        return Response.json(
          { message: `The request signature we calculated does not match (${reason})` },
          { status: 403, headers: { 'x-amzn-errortype': 'InvalidSignatureException:http://internal.amazon.com/' } },
        )
      if (respond) return respond()
      return Response.json({ MessageId: `0100018f-fake-${++counter}` })
    },
  })
  return {
    url: `http://127.0.0.1:${server.port}`,
    requests,
    setResponse(next) {
      respond = next
    },
    setKeys(next) {
      accepted = next
    },
    async close() {
      await server.stop(true)
    },
  }
}

export interface FakeImds {
  readonly url: string
  /** Method and path of every request, with whether it carried a valid session token. */
  readonly calls: { method: string; path: string; tokenValid: boolean }[]
  close(): Promise<void>
}

/** IMDSv2: every metadata GET must carry the token a PUT /latest/api/token handed out. */
export async function startFakeImds(
  role: string,
  keys: AwsKeys,
  expiration = new Date(Date.now() + 6 * 3600_000),
): Promise<FakeImds> {
  const tokens = new Set<string>()
  const calls: FakeImds['calls'] = []
  const server = Bun.serve({
    hostname: '127.0.0.1',
    port: 0,
    fetch(request) {
      const url = new URL(request.url)
      const token = request.headers.get('x-aws-ec2-metadata-token') ?? ''
      calls.push({ method: request.method, path: url.pathname, tokenValid: tokens.has(token) })
      if (url.pathname === '/latest/api/token') {
        if (request.method !== 'PUT' || !request.headers.get('x-aws-ec2-metadata-token-ttl-seconds'))
          return new Response('', { status: 400 })
        const issued = crypto.randomUUID()
        tokens.add(issued)
        return new Response(issued)
      }
      // IMDSv2 only: no token, no answer (401 like a hop-limited instance).
      if (!tokens.has(token)) return new Response('', { status: 401 })
      if (url.pathname === '/latest/meta-data/iam/security-credentials/') return new Response(`${role}\n`)
      if (url.pathname === `/latest/meta-data/iam/security-credentials/${role}`)
        return Response.json({
          Code: 'Success',
          LastUpdated: new Date().toISOString(),
          Type: 'AWS-HMAC',
          AccessKeyId: keys.accessKeyId,
          SecretAccessKey: keys.secretAccessKey,
          Token: keys.sessionToken,
          Expiration: expiration.toISOString(),
        })
      return new Response('', { status: 404 })
    },
  })
  return {
    url: `http://127.0.0.1:${server.port}`,
    calls,
    async close() {
      await server.stop(true)
    },
  }
}
