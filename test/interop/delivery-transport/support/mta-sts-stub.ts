// An HTTPS server for MTA-STS policies (RFC 8461 §3.3) on 127.0.0.1 with a certificate from the test
// CA: GET /.well-known/mta-sts.txt answers the current policy text (or a scripted failure). Point
// delivery.mtaSts.port at `port` and `mta-sts.<domain>` at 127.0.0.1 in the fake DNS.
import type { PemPair } from '../../../support/test-ca.ts'

export interface MtaStsStub {
  readonly port: number
  /** Requests received (paths with the Host header). */
  readonly requests: { host: string; path: string }[]
  setPolicy(policy: string | { status: number; body?: string; contentType?: string }): void
  close(): Promise<void>
}

export async function startMtaStsStub(certificate: PemPair, policy: string): Promise<MtaStsStub> {
  let current: string | { status: number; body?: string; contentType?: string } = policy
  const requests: { host: string; path: string }[] = []
  const server = Bun.serve({
    hostname: '127.0.0.1',
    port: 0,
    tls: { cert: certificate.cert, key: certificate.key },
    fetch(request) {
      const url = new URL(request.url)
      requests.push({ host: request.headers.get('host') ?? '', path: url.pathname })
      if (url.pathname !== '/.well-known/mta-sts.txt') return new Response('not found', { status: 404 })
      if (typeof current === 'string') return new Response(current, { headers: { 'content-type': 'text/plain' } })
      return new Response(current.body ?? '', {
        status: current.status,
        headers: { 'content-type': current.contentType ?? 'text/plain' },
      })
    },
  })
  return {
    port: server.port as number,
    requests,
    setPolicy(next) {
      current = next
    },
    async close() {
      await server.stop(true)
    },
  }
}

export const enforcePolicy = (mx = 'mx.example.test', maxAge = 86_400) =>
  `version: STSv1\r\nmode: enforce\r\nmx: ${mx}\r\nmax_age: ${maxAge}\r\n`
export const testingPolicy = (mx = 'mx.example.test', maxAge = 86_400) =>
  `version: STSv1\nmode: testing\nmx: ${mx}\nmax_age: ${maxAge}\n`
