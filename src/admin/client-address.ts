// The client's IP address for login throttling. Bun.serve passes itself as Hono's `env`, and its
// requestIP() gives the peer address; under app.request() in tests there is none. The
// X-Forwarded-For header is not used: anyone can send it, and trusting it would let a guesser pick
// a fresh address for every try.
import type { Context } from 'hono'

interface PeerAddressSource {
  requestIP?(request: Request): { address: string } | null
}

export function clientAddress(c: Context): string {
  const server = c.env as PeerAddressSource | undefined
  return server?.requestIP?.(c.req.raw)?.address ?? 'unknown'
}
