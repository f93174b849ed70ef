// The effective config as a TOML file (`config show`): one table per section, in schema order, so
// the output can be saved as mail-server.toml and loaded back unchanged. Pass redactConfig(config)
// when printing.
import { isPlainTable } from './config-values.ts'
import type { Config } from './schema.ts'

const tomlValue = (v: unknown): string => {
  if (Array.isArray(v)) return `[${v.map(tomlValue).join(', ')}]`
  if (typeof v === 'string') return JSON.stringify(v) // a JSON string is a valid TOML basic string
  return String(v)
}

function renderTable(table: Record<string, unknown>, name: string, out: string[]): void {
  const scalars = Object.entries(table).filter(([, v]) => !isPlainTable(v))
  const tables = Object.entries(table).filter(([, v]) => isPlainTable(v))
  if (scalars.length > 0) {
    if (name) out.push('', `[${name}]`)
    for (const [k, v] of scalars) out.push(`${k} = ${tomlValue(v)}`)
  }
  for (const [k, v] of tables) renderTable(v as Record<string, unknown>, name ? `${name}.${k}` : k, out)
}

export function renderConfigToml(config: Config): string {
  const out: string[] = []
  renderTable(config as unknown as Record<string, unknown>, '', out)
  return `${out.join('\n').trimStart()}\n`
}
