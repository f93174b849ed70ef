// Environment files in the systemd EnvironmentFile= / dotenv dialect (the seed kept its settings in
// /etc/mail/mail.env): `KEY=value`, optional `export `, `#` and `;` comment lines, blank lines,
// single quotes (literal) and double quotes (with \" \\ \n \t \r \$ escapes), both allowed to span
// lines; ` #` starts a comment after an unquoted value. No `$VAR` expansion, as in systemd.
// Malformed lines are reported with file:line, all of them at once.
import fs from 'node:fs'
import { ConfigError, type ConfigIssue } from './config-error.ts'

export interface EnvFileEntry {
  name: string
  value: string
  /** 1-based line where the assignment starts. */
  line: number
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/
const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '"': '"', '\\': '\\', $: '$', '`': '`' }

interface Quoted {
  value: string
  /** Index of the line holding the closing quote, and the text after it. */
  endLine: number
  rest: string
}

/** The two quote characters of env files (a template literal keeps pickier's quote rule and Biome in agreement). */
type QuoteChar = '"' | `'`

/** Read a quoted value starting after the opening quote at lines[start], position `from`. */
function readQuoted(lines: readonly string[], start: number, from: number, quote: QuoteChar): Quoted | null {
  let value = ''
  for (let li = start; li < lines.length; li++) {
    const text = lines[li] as string
    let i = li === start ? from : 0
    while (i < text.length) {
      const ch = text[i] as string
      if (ch === quote) return { value, endLine: li, rest: text.slice(i + 1) }
      if (quote === '"' && ch === '\\' && i + 1 < text.length) {
        const next = text[i + 1] as string
        value += ESCAPES[next] ?? `\\${next}`
        i += 2
        continue
      }
      value += ch
      i++
    }
    value += '\n'
  }
  return null
}

/** Parse env-file text; `fileName` is used in error messages. Throws ConfigError listing every bad line. */
export function parseEnvFile(text: string, fileName: string): EnvFileEntry[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/)
  const entries: EnvFileEntry[] = []
  const issues: ConfigIssue[] = []
  const bad = (line: number, message: string) =>
    issues.push({ key: '', source: `env-file ${fileName}:${line}`, message })

  for (let li = 0; li < lines.length; li++) {
    const lineNo = li + 1
    let rest = (lines[li] as string).trim()
    if (rest === '' || rest.startsWith('#') || rest.startsWith(';')) continue
    if (/^export\s/.test(rest)) rest = rest.slice('export'.length).trimStart()
    const eq = rest.indexOf('=')
    if (eq < 0) {
      bad(lineNo, `malformed line: expected KEY=value, got ${JSON.stringify(rest)}`)
      continue
    }
    const name = rest.slice(0, eq).trim()
    if (!NAME.test(name)) {
      bad(lineNo, `malformed line: invalid variable name ${JSON.stringify(name)}`)
      continue
    }
    const raw = rest.slice(eq + 1).trimStart()
    const opening = raw[0]
    if (opening === '"' || opening === `'`) {
      // Find the opening quote's column in the untrimmed line so multi-line values keep their text.
      const original = lines[li] as string
      const column = original.indexOf(raw) + 1
      const quoted = readQuoted(lines, li, column, opening)
      if (!quoted) {
        bad(lineNo, `unterminated ${opening === '"' ? 'double' : 'single'}-quoted value for ${name}`)
        break // everything after an unterminated quote would belong to it
      }
      const trailing = quoted.rest.trim()
      if (trailing !== '' && !trailing.startsWith('#')) {
        bad(quoted.endLine + 1, `malformed line: unexpected text after the closing quote of ${name}`)
      } else entries.push({ name, value: quoted.value, line: lineNo })
      li = quoted.endLine
      continue
    }
    const comment = raw.search(/\s#/)
    const value = (comment >= 0 ? raw.slice(0, comment) : raw).trim()
    entries.push({ name, value, line: lineNo })
  }
  if (issues.length > 0) throw new ConfigError(issues)
  return entries
}

/** Read and parse an env file; a missing or unreadable file is a ConfigError naming `source`. */
export function readEnvFile(path: string, source = 'flag --env-file'): EnvFileEntry[] {
  let text: string
  try {
    text = fs.readFileSync(path, 'utf8')
  } catch (e) {
    const code = (e as { code?: string }).code ?? String(e)
    throw new ConfigError([{ key: '', source, message: `cannot read env file ${path} (${code})` }])
  }
  return parseEnvFile(text, path)
}

/** Entries as a variable map (a later assignment of the same name wins, as in a shell). */
export function envFileVariables(entries: readonly EnvFileEntry[]): Map<string, EnvFileEntry> {
  return new Map(entries.map(e => [e.name, e]))
}
