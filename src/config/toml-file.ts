// The TOML config file (`--config`, ./mail-server.toml, /etc/mail/mail-server.toml). Keys use the
// schema's names and nesting (`[smtp.mx]` then `port = 25`, or `smtp.mx.port = 25`). Values keep
// their TOML types; the schema checks them later. Unknown keys are errors that name the key.
import fs from 'node:fs'
import { ConfigError, type ConfigIssue } from './config-error.ts'
import { type ConfigValues, isPlainTable } from './config-values.ts'
import { type ConfigKeys, configKeys } from './schema-leaves.ts'
import { didYouMean } from './suggest-key.ts'

export interface FileLayer {
  values: ConfigValues
  issues: ConfigIssue[]
}

const parseError = (e: unknown): string =>
  (e instanceof Error ? e.message : String(e)).replace(/^TOML Parse error:\s*/, '')

/**
 * Bun.TOML.parse reports no position (its error's line/column point at the JS caller), so find the
 * first line at which the file's prefix fails with the same message. Prefixes that stop inside a
 * multi-line value fail with a different message and are skipped.
 */
export function locateTomlError(text: string, message: string): number | undefined {
  const lines = text.split('\n')
  for (let n = 1; n <= lines.length && n <= 5000; n++) {
    try {
      Bun.TOML.parse(`${lines.slice(0, n).join('\n')}\n`)
    } catch (e) {
      if (parseError(e) === message) return n
    }
  }
  return undefined
}

function walk(
  table: Record<string, unknown>,
  prefix: string,
  source: string,
  keys: ConfigKeys,
  candidates: readonly string[],
  out: FileLayer,
): void {
  for (const [name, value] of Object.entries(table)) {
    const key = prefix ? `${prefix}.${name}` : name
    if (keys.leaf(key)) {
      if (isPlainTable(value)) out.issues.push({ key, source, message: `expected a value, got a table` })
      else out.values.set(key, { value, source })
    } else if (keys.isTable(key)) {
      if (isPlainTable(value)) walk(value, key, source, keys, candidates, out)
      else out.issues.push({ key, source, message: `expected a table ([${key}]), got ${JSON.stringify(value)}` })
    } else out.issues.push({ key, source, message: `unknown key${didYouMean(key, candidates)}` })
  }
}

/** Parse TOML text into a layer; throws ConfigError on a syntax error (with the line when found). */
export function tomlLayer(text: string, fileName: string, keys: ConfigKeys = configKeys): FileLayer {
  const source = `file ${fileName}`
  let parsed: unknown
  try {
    parsed = Bun.TOML.parse(text)
  } catch (e) {
    const message = parseError(e)
    const line = locateTomlError(text, message)
    const where = line === undefined ? '' : ` at line ${line}`
    throw new ConfigError([
      {
        key: '',
        source: `file ${fileName}${line === undefined ? '' : `:${line}`}`,
        message: `TOML syntax error${where}: ${message}`,
      },
    ])
  }
  const out: FileLayer = { values: new Map(), issues: [] }
  const candidates = [...keys.leaves.map(l => l.key)]
  if (isPlainTable(parsed)) walk(parsed, '', source, keys, candidates, out)
  return out
}

/** Read and parse a TOML config file; unreadable → ConfigError naming `source` (how it was chosen). */
export function readTomlFile(path: string, source: string, keys: ConfigKeys = configKeys): FileLayer {
  let text: string
  try {
    text = fs.readFileSync(path, 'utf8')
  } catch (e) {
    const code = (e as { code?: string }).code ?? String(e)
    throw new ConfigError([{ key: '', source, message: `cannot read config file ${path} (${code})` }])
  }
  return tomlLayer(text, path, keys)
}
