// A small HTTPS/1.1 client for the two HTTPS exchanges of outbound delivery: the MTA-STS policy
// fetch (RFC 8461 §3.3) and TLS-RPT uploads (RFC 8460 §3). It resolves names through our resolver
// (config `dns.servers`, so tests and split-horizon setups work), verifies the certificate against
// the trust store (with the configured extra CAs), never follows redirects (§3.3 forbids it), and
// bounds the body. One request per connection (Connection: close).
import { ClientSocketError } from '../smtp-client/client-socket-error.ts'
import { ClientSocket } from '../smtp-client/client-socket.ts'
import type { TrustStore } from '../smtp-client/trust-store.ts'

export interface HttpsRequest {
  method: 'GET' | 'POST'
  url: URL
  headers?: Readonly<Record<string, string>>
  body?: Uint8Array
}

export interface HttpsClientOptions {
  trust: TrustStore
  /** Addresses for a host name (A, then AAAA). */
  resolveHost(name: string): Promise<string[]>
  timeoutMs: number
  /** Larger bodies fail with kind 'too-large'. */
  maxBodyBytes: number
  /** Connect here instead of the URL's port (tests: a stub on a random port for MTA-STS). */
  portOverride?: number
}

export interface HttpsResponse {
  status: number
  /** Lower-case names. */
  headers: ReadonlyMap<string, string>
  body: Uint8Array
}

export type HttpsErrorKind = 'dns' | 'connect' | 'tls' | 'timeout' | 'protocol' | 'too-large'

export class HttpsRequestError extends Error {
  constructor(
    readonly kind: HttpsErrorKind,
    message: string,
    /** For 'tls': the certificate verification code. */
    readonly tlsCode: string | null = null,
  ) {
    super(message)
    this.name = 'HttpsRequestError'
  }
}

const IP_LITERAL = /^(?:\d{1,3}(?:\.\d{1,3}){3}|\[[0-9a-fA-F:.]+\])$/

export async function httpsRequest(request: HttpsRequest, options: HttpsClientOptions): Promise<HttpsResponse> {
  const { url } = request
  if (url.protocol !== 'https:') throw new HttpsRequestError('protocol', `not an https URL: ${url.protocol}`)
  const deadline = Date.now() + options.timeoutMs
  const host = url.hostname
  const port = options.portOverride ?? (url.port === '' ? 443 : Number(url.port))
  let addresses: string[]
  if (IP_LITERAL.test(host)) addresses = [host.replace(/^\[|\]$/g, '')]
  else {
    try {
      addresses = await options.resolveHost(host)
    } catch (e) {
      throw new HttpsRequestError('dns', `cannot resolve ${host}: ${(e as Error).message}`)
    }
    if (addresses.length === 0) throw new HttpsRequestError('dns', `${host} has no address`)
  }
  let lastError: HttpsRequestError | null = null
  for (const address of addresses) {
    const remaining = deadline - Date.now()
    if (remaining <= 0) break
    let socket: ClientSocket
    try {
      socket = await ClientSocket.connect({
        host: address,
        port,
        connectTimeoutMs: remaining,
        tls: { serverName: host.replace(/^\[|\]$/g, ''), verify: true, ca: options.trust.ca },
      })
    } catch (e) {
      lastError = asHttpsError(e)
      // A certificate problem is the server's answer, not an unreachable address.
      if (lastError.kind === 'tls') throw lastError
      continue
    }
    try {
      return await exchange(socket, request, deadline, options.maxBodyBytes)
    } catch (e) {
      throw asHttpsError(e)
    } finally {
      socket.destroy()
    }
  }
  throw lastError ?? new HttpsRequestError('timeout', `no answer from ${host}`)
}

function asHttpsError(e: unknown): HttpsRequestError {
  if (e instanceof HttpsRequestError) return e
  if (e instanceof ClientSocketError) {
    const kind: HttpsErrorKind =
      e.kind === 'closed'
        ? 'protocol'
        : e.kind === 'connect'
          ? 'connect'
          : e.kind === 'tls'
            ? 'tls'
            : e.kind === 'timeout'
              ? 'timeout'
              : 'protocol'
    return new HttpsRequestError(kind, e.message, e.tlsCode)
  }
  return new HttpsRequestError('protocol', (e as Error).message ?? String(e))
}

async function exchange(
  socket: ClientSocket,
  request: HttpsRequest,
  deadline: number,
  maxBodyBytes: number,
): Promise<HttpsResponse> {
  const { url } = request
  const headers: Record<string, string> = {
    host: url.host,
    'user-agent': 'mail-server',
    accept: '*/*',
    connection: 'close',
    ...request.headers,
  }
  if (request.body) headers['content-length'] = String(request.body.length)
  const head = `${request.method} ${url.pathname}${url.search} HTTP/1.1\r\n${Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('')}\r\n`
  socket.write(head)
  if (request.body) socket.write(request.body)
  const left = () => Math.max(1, deadline - Date.now())

  const statusLine = await socket.readLine(left())
  const status = /^HTTP\/1\.[01] (\d{3})(?: |$)/.exec(statusLine)
  if (status === null)
    throw new HttpsRequestError('protocol', `not an HTTP response: ${JSON.stringify(statusLine.slice(0, 60))}`)
  const responseHeaders = new Map<string, string>()
  for (let count = 0; ; count++) {
    const line = await socket.readLine(left())
    if (line === '') break
    if (count > 100) throw new HttpsRequestError('protocol', 'too many response header fields')
    const colon = line.indexOf(':')
    if (colon <= 0) throw new HttpsRequestError('protocol', 'malformed response header field')
    responseHeaders.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim())
  }
  const body = await readBody(socket, responseHeaders, left, maxBodyBytes, request.method)
  return { status: Number(status[1]), headers: responseHeaders, body }
}

async function readBody(
  socket: ClientSocket,
  headers: ReadonlyMap<string, string>,
  left: () => number,
  max: number,
  method: string,
): Promise<Uint8Array> {
  const tooLarge = () => new HttpsRequestError('too-large', `response body larger than ${max} bytes`)
  if (method === 'HEAD') return new Uint8Array(0)
  if ((headers.get('transfer-encoding') ?? '').toLowerCase().includes('chunked')) {
    const parts: Uint8Array[] = []
    let total = 0
    for (;;) {
      const sizeLine = await socket.readLine(left())
      const size = Number.parseInt(sizeLine.split(';')[0]?.trim() ?? '', 16)
      if (!Number.isFinite(size) || size < 0) throw new HttpsRequestError('protocol', 'malformed chunk size')
      if (size === 0) break
      total += size
      if (total > max) throw tooLarge()
      parts.push(await socket.readBytes(size, left()))
      await socket.readLine(left()) // CRLF after the chunk
    }
    return Buffer.concat(parts)
  }
  const lengthHeader = headers.get('content-length')
  if (lengthHeader !== undefined) {
    if (!/^\d+$/.test(lengthHeader)) throw new HttpsRequestError('protocol', 'malformed Content-Length')
    const length = Number(lengthHeader)
    if (length > max) throw tooLarge()
    return length === 0 ? new Uint8Array(0) : socket.readBytes(length, left())
  }
  // No length: the body ends when the server closes (RFC 9112 §6.3).
  const parts: Uint8Array[] = []
  let total = 0
  for (let chunk = await socket.readAvailable(left()); chunk !== null; chunk = await socket.readAvailable(left())) {
    total += chunk.length
    if (total > max) throw tooLarge()
    parts.push(chunk)
  }
  return Buffer.concat(parts)
}
