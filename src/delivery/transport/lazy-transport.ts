// An OutboundTransport that imports the real one on the first delivery attempt: the SMTP client,
// MTA-STS, SES and relay code stay out of memory on a server that has not sent mail since it
// started (issue 3's idle RSS budget). A failed import is retried on the next attempt.
import type { OutboundTransport } from './outbound-transport.ts'

export function lazyTransport(name: string, load: () => Promise<OutboundTransport>): OutboundTransport {
  let loading: Promise<OutboundTransport> | null = null
  let loaded: OutboundTransport | null = null
  const get = () => {
    loading ??= load().then(
      transport => {
        loaded = transport
        return transport
      },
      e => {
        loading = null
        throw e
      },
    )
    return loading
  }
  return {
    name,
    deliver: async attempt => (await get()).deliver(attempt),
    close: async () => {
      await loaded?.close()
    },
  }
}
