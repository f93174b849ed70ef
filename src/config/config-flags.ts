// Command-line values, the strongest layer. The CLI passes either a map of flag name → string as
// citty gives it (`{ 'data-dir': './x', hostname: 'mx.example.org', set: ['smtp.mx.port=2525'] }`,
// dotted keys allowed too) or a list of FlagValue. `config` and `env-file` choose files rather than
// keys and are returned apart.
import { ConfigError, type ConfigIssue } from './config-error.ts'
import type { ConfigValues } from './config-values.ts'
import { coerceConfigValue } from './coerce-value.ts'
import { type ConfigKeys, configKeys } from './schema-leaves.ts'
import { didYouMean } from './suggest-key.ts'

export interface FlagValue {
  /** Dotted schema key, `smtp.mx.port`. */
  key: string
  value: string
  /** The flag as typed, for messages: `--set`, `--data-dir`. */
  flag: string
}

export type ConfigFlags = Readonly<Record<string, string | readonly string[] | undefined>>

export interface CliFlags {
  values: FlagValue[]
  /** Malformed --set arguments. */
  issues: ConfigIssue[]
  configPath?: string
  envFile?: string
}

const camel = (s: string) => s.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase())
const kebab = (s: string) => s.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase()

/** `smtp.mx.port=2525` → { key: 'smtp.mx.port', value: '2525', flag: '--set' }. Only the first `=` splits. */
export function parseSetFlag(arg: string): FlagValue {
  const eq = arg.indexOf('=')
  const key = eq < 0 ? '' : arg.slice(0, eq).trim()
  if (eq < 0 || key === '')
    throw new ConfigError([
      { key: '', source: 'flag --set', message: `expected --set key=value, got ${JSON.stringify(arg)}` },
    ])
  return { key, value: arg.slice(eq + 1), flag: '--set' }
}

const lastOf = (v: string | readonly string[]): string => (typeof v === 'string' ? v : (v[v.length - 1] ?? ''))

/** Normalise what the CLI passes into values plus the file choices; a bad --set becomes an issue. */
export function readCliFlags(flags: ConfigFlags | readonly FlagValue[] = {}): CliFlags {
  if (Array.isArray(flags)) return { values: [...(flags as readonly FlagValue[])], issues: [] }
  const out: CliFlags = { values: [], issues: [] }
  for (const [name, raw] of Object.entries(flags as ConfigFlags)) {
    if (raw === undefined) continue
    const key = name.split('.').map(camel).join('.')
    if (key === 'config') out.configPath = lastOf(raw)
    else if (key === 'envFile') out.envFile = lastOf(raw)
    else if (key === 'set') {
      for (const arg of typeof raw === 'string' ? [raw] : raw) {
        try {
          out.values.push(parseSetFlag(arg))
        } catch (e) {
          if (e instanceof ConfigError) out.issues.push(...e.issues)
          else throw e
        }
      }
    } else out.values.push({ key, value: lastOf(raw), flag: `--${kebab(name)}` })
  }
  return out
}

/** Coerce flag strings to the schema's types; unknown keys and unparsable values are issues. */
export function flagLayer(
  values: readonly FlagValue[],
  keys: ConfigKeys = configKeys,
): { values: ConfigValues; issues: ConfigIssue[] } {
  const out: ConfigValues = new Map()
  const issues: ConfigIssue[] = []
  const candidates = keys.leaves.map(l => l.key)
  for (const { key, value, flag } of values) {
    const source = `flag ${flag}`
    const leaf = keys.leaf(key)
    if (!leaf) {
      const what = keys.isTable(key) ? 'is a table, not a value' : `unknown key${didYouMean(key, candidates)}`
      issues.push({ key, source, message: what })
      continue
    }
    const result = coerceConfigValue(leaf, value)
    if (result.ok) out.set(key, { value: result.value, source })
    else issues.push({ key, source, message: result.message })
  }
  return { values: out, issues }
}
