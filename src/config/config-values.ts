// A configuration layer as a flat map of dotted key → value plus where the value came from. Layers
// (profile defaults, file, env file, environment, flags) are merged key by key, so every value, and
// every error about it, keeps its source.

export interface SourcedValue {
  value: unknown
  /** `file /etc/mail/mail-server.toml`, `env MAIL_SMTP_MX_PORT`, `flag --set`, `default (dev profile)`. */
  source: string
}

export type ConfigValues = Map<string, SourcedValue>

export const isPlainTable = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date)

/** Every leaf of a nested object as `a.b.c` → value (arrays are leaves). */
export function flattenObject(object: Record<string, unknown>, source: string, prefix = ''): ConfigValues {
  const out: ConfigValues = new Map()
  for (const [name, value] of Object.entries(object)) {
    const key = prefix ? `${prefix}.${name}` : name
    if (isPlainTable(value)) for (const [k, v] of flattenObject(value, source, key)) out.set(k, v)
    else out.set(key, { value, source })
  }
  return out
}

/** The nested object for a flat map (the inverse of flattenObject). */
export function unflattenValues(values: ConfigValues): Record<string, unknown> {
  const root: Record<string, unknown> = {}
  for (const [key, { value }] of values) {
    const parts = key.split('.')
    let node = root
    for (const part of parts.slice(0, -1)) {
      const next = node[part]
      if (isPlainTable(next)) node = next
      else {
        const created: Record<string, unknown> = {}
        node[part] = created
        node = created
      }
    }
    node[parts[parts.length - 1] as string] = value
  }
  return root
}

/** Later layers win, key by key. */
export function mergeValues(...layers: readonly ConfigValues[]): ConfigValues {
  const out: ConfigValues = new Map()
  for (const layer of layers) for (const [k, v] of layer) out.set(k, v)
  return out
}
