// How commands print: human text on a terminal, or one JSON document with --json for scripts.
// Errors go to stderr as "error: …" (or {"error":{…}} with --json) with a distinct exit code.
import { isMailError } from '../core/errors.ts'
import { EXIT_FAILURE, EXIT_USAGE } from './exit-codes.ts'

// biome-ignore lint: matching the escape character is the point
const stripAnsi = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '')

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`)
}

/** Aligned columns for lists; empty lists say so instead of printing nothing. */
export function printTable(rows: Record<string, unknown>[], columns: string[], empty = '(none)'): void {
  if (rows.length === 0) {
    console.log(empty)
    return
  }
  const cell = (v: unknown) => (v === null || v === undefined ? '-' : v instanceof Date ? v.toISOString() : String(v))
  const widths = columns.map(c => Math.max(c.length, ...rows.map(r => cell(r[c]).length)))
  const line = (vals: string[]) =>
    vals
      .map((v, i) => v.padEnd(widths[i] as number))
      .join('  ')
      .trimEnd()
  console.log(line(columns.map(c => c.toUpperCase())))
  for (const r of rows) console.log(line(columns.map(c => cell(r[c]))))
}

export interface CliFailure {
  exitCode: number
  code: string
  message: string
}

/** One place that turns a thrown value into the printed error and exit code. */
export function describeFailure(e: unknown): CliFailure {
  if (isMailError(e)) {
    const format = (e as { format?: () => string }).format
    const message = typeof format === 'function' ? format.call(e) : e.message
    const usage = e.codes.code === 'config_invalid' || e.codes.code === 'usage'
    return { exitCode: usage ? EXIT_USAGE : EXIT_FAILURE, code: e.codes.code ?? e.kind, message }
  }
  // By name, not instanceof: importing zod here would load it into every command, `serve` included.
  if (e instanceof Error && e.name === 'ZodError')
    return { exitCode: EXIT_USAGE, code: 'invalid_input', message: e.message }
  // citty's argument errors (missing positional, unknown command): usage, exit 2.
  if (e instanceof Error && e.name === 'CLIError')
    return { exitCode: EXIT_USAGE, code: 'usage', message: `${stripAnsi(e.message)} (see --help)` }
  return { exitCode: EXIT_FAILURE, code: 'internal', message: e instanceof Error ? (e.stack ?? e.message) : String(e) }
}

export function printFailure(f: CliFailure, json: boolean): void {
  if (json) process.stderr.write(`${JSON.stringify({ error: { code: f.code, message: f.message } })}\n`)
  else process.stderr.write(`error: ${f.message}\n`)
}
