// A local stand-in for a Discord webhook (POST /api/webhooks/<id>/<token>): records every body,
// answers 204 unless told otherwise (a script of responses such as 429 + retry_after, 500, 404).
import type { DiscordWebhookBody } from '../../../../../src/observability/discord/discord-embed.ts'

export interface ScriptedResponse {
  status: number
  body?: unknown
  headers?: Record<string, string>
}

export interface WebhookStub {
  url: string
  /** Bodies of every request, including the ones answered with an error. */
  requests: DiscordWebhookBody[]
  /** Titles of the embeds the stub accepted (2xx). */
  delivered: string[]
  respondWith(...responses: ScriptedResponse[]): void
  stop(): Promise<void>
}

export function startWebhookStub(): WebhookStub {
  const requests: DiscordWebhookBody[] = []
  const delivered: string[] = []
  let script: ScriptedResponse[] = []
  const server = Bun.serve({
    hostname: '127.0.0.1',
    port: 0,
    async fetch(req) {
      if (req.method !== 'POST' || !new URL(req.url).pathname.startsWith('/api/webhooks/'))
        return new Response('not found', { status: 404 })
      const body = (await req.json()) as DiscordWebhookBody
      requests.push(body)
      const next = script.shift() ?? { status: 204 }
      if (next.status < 300) delivered.push(...body.embeds.map(e => e.title))
      if (next.status === 204) return new Response(null, { status: 204, headers: next.headers })
      return Response.json(next.body ?? {}, { status: next.status, headers: next.headers })
    },
  })
  return {
    url: `http://127.0.0.1:${server.port}/api/webhooks/123/secret-token`,
    requests,
    delivered,
    respondWith(...responses) {
      script = [...responses]
    },
    stop: () => server.stop(true),
  }
}
