// The Discord webhook payload the health monitor posts: one embed per message, shaped like the
// seed's (observability/discord.zig): a title, a description, a colour (green ok, orange warning,
// red critical), inline fields, and the server's host name in the footer.
// Discord "Execute Webhook": JSON body { embeds: [...] }; embed limits: title 256, description
// 4096, 25 fields, field name 256 and value 1024 characters.

export const EMBED_COLORS = { green: 0x2ecc71, orange: 0xf39c12, red: 0xe74c3c } as const
export type EmbedColor = keyof typeof EMBED_COLORS

export interface EmbedField {
  name: string
  value: string
  inline?: boolean
}

export interface HealthEmbed {
  title: string
  description?: string
  color: EmbedColor
  fields?: readonly EmbedField[]
}

export interface DiscordEmbedJson {
  title: string
  description?: string
  color: number
  fields?: { name: string; value: string; inline: boolean }[]
  footer: { text: string }
  timestamp: string
}

export interface DiscordWebhookBody {
  username?: string
  embeds: DiscordEmbedJson[]
}

const clip = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`)

export function webhookBody(embed: HealthEmbed, footer: string, at: Date): DiscordWebhookBody {
  const json: DiscordEmbedJson = {
    title: clip(embed.title, 256),
    color: EMBED_COLORS[embed.color],
    footer: { text: clip(footer, 2048) },
    timestamp: at.toISOString(),
  }
  if (embed.description) json.description = clip(embed.description, 4096)
  if (embed.fields && embed.fields.length > 0)
    json.fields = embed.fields.slice(0, 25).map(f => ({
      name: clip(f.name, 256),
      // An empty value is rejected by Discord (400); a dash keeps the field.
      value: clip(f.value === '' ? '-' : f.value, 1024),
      inline: f.inline ?? true,
    }))
  return { embeds: [json] }
}

/** `1d 2h 3m`, `2h 5m`, `7m`, as the seed formats uptime. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds))
  const days = Math.floor(s / 86_400)
  const hours = Math.floor((s % 86_400) / 3600)
  const minutes = Math.floor((s % 3600) / 60)
  if (days > 0) return `${days}d ${hours}h ${minutes}m`
  if (hours > 0) return `${hours}h ${minutes}m`
  return `${minutes}m`
}

export const formatPercent = (value: number) => `${value.toFixed(1)}%`

export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB']
  let v = bytes
  let i = 0
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024
    i++
  }
  return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`
}
