// Structured logger (DESIGN.md "Logging"): JSON lines when stderr is not a TTY (journald, files),
// consola's pretty output on a terminal. Every connection gets a child logger carrying
// { cid, proto, remote }. Fields whose names look like secrets are redacted before output.
//
// consola is required only when a terminal asks for pretty output: loading it costs ~13 MB of RSS,
// a fifth of the idle budget (issue 3), and a server under systemd always logs JSON.
import type { ConsolaInstance } from 'consola'

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent'
export type LogFields = Record<string, unknown>

export interface Logger {
  debug(msg: string, fields?: LogFields): void
  info(msg: string, fields?: LogFields): void
  warn(msg: string, fields?: LogFields): void
  error(msg: string, fields?: LogFields): void
  child(fields: LogFields): Logger
  readonly level: LogLevel
  /** Change the level of this logger and every child (SIGHUP config reload). */
  setLevel(level: LogLevel): void
}

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 }
const SECRET_KEY = /pass(?:word)?|secret|token|authorization|api[-_]?key|credential|private[-_]?key|cookie/i

/** Replace values of secret-looking keys (recursively) so credentials never reach a log line. */
export function redact(fields: LogFields): LogFields {
  const out: LogFields = {}
  for (const k in fields) {
    const v = fields[k]
    if (isSecretKey(k)) out[k] = '[redacted]'
    else if (v instanceof Error) out[k] = { message: v.message, name: v.name, stack: v.stack }
    else if (v && typeof v === 'object' && !Array.isArray(v)) out[k] = redact(v as LogFields)
    else out[k] = v
  }
  return out
}

// Field names repeat from line to line: the pattern is tested once per name.
const secretKeys = new Map<string, boolean>()
function isSecretKey(key: string): boolean {
  let secret = secretKeys.get(key)
  if (secret === undefined) {
    secret = SECRET_KEY.test(key)
    if (secretKeys.size < 4096) secretKeys.set(key, secret)
  }
  return secret
}

export type LogSink = (line: string) => void

export interface LoggerOptions {
  level?: LogLevel
  format?: 'json' | 'pretty' | 'auto'
  /** Where JSON lines go; default stderr. Tests capture lines here. */
  sink?: LogSink
}

export function createLogger(options: LoggerOptions = {}, base: LogFields = {}): Logger {
  const level = options.level ?? 'info'
  const format =
    options.format === 'auto' || !options.format ? (process.stderr.isTTY ? 'pretty' : 'json') : options.format
  const sink: LogSink = options.sink ?? batchedStderr()
  const pretty = format === 'pretty' ? createPrettyConsola() : null
  return bind({ level, sink, pretty }, base)
}

/**
 * Lines written during one turn of the event loop go to stderr in one write: under load the SMTP
 * server logs a line per message, and a write(2) per line cost more than building it (bench/smtp.ts
 * profile). What is buffered is written at the end of the turn, when it exceeds 64 KiB, and at exit
 * (also after an uncaught exception); only a SIGKILL can lose the lines of the turn it hit.
 */
function batchedStderr(): LogSink {
  let pending: string[] = []
  let bytes = 0
  let scheduled = false
  const flush = () => {
    scheduled = false
    if (pending.length === 0) return
    const text = pending.join('')
    pending = []
    bytes = 0
    process.stderr.write(text)
  }
  process.once('exit', flush)
  return line => {
    pending.push(`${line}\n`)
    bytes += line.length + 1
    if (bytes >= 64 * 1024) flush()
    else if (!scheduled) {
      scheduled = true
      setImmediate(flush)
    }
  }
}

interface LoggerState {
  level: LogLevel
  sink: LogSink
  pretty: ConsolaInstance | null
}

function createPrettyConsola(): ConsolaInstance {
  const { createConsola } = require('consola') as typeof import('consola')
  return createConsola({ level: 4, stderr: process.stderr, stdout: process.stderr })
}

// Children share the sink and the consola instance; only the base fields differ. A JSON line is
// built from the base fields' JSON, encoded once per child, and the call's own fields: the SMTP
// server logs a line per message, and spreading, redacting and stringifying the merged object per
// line cost as much as a tenth of a delivery's event-loop time (bench/smtp.ts profile).
function bind(state: LoggerState, base: LogFields): Logger {
  const safeBase = redact(base)
  const baseKeys = Object.keys(safeBase)
  const baseJson = baseKeys.length > 0 ? `,${JSON.stringify(safeBase).slice(1, -1)}` : ''
  const emit = (lvl: Exclude<LogLevel, 'silent'>, msg: string, fields?: LogFields) => {
    if (RANK[lvl] < RANK[state.level]) return
    if (state.pretty) {
      const all = redact({ ...base, ...fields })
      const extra = Object.keys(all).length ? ` ${JSON.stringify(all)}` : ''
      state.pretty[lvl](`${msg}${extra}`)
      return
    }
    const head = `{"time":"${isoNow()}","level":"${lvl}","msg":${JSON.stringify(msg)}`
    if (fields === undefined) {
      state.sink(`${head}${baseJson}}`)
      return
    }
    // A field named like a base field replaces it (as the spread did), so such lines merge first.
    const own = redact(fields)
    const merge = baseKeys.some(k => k in own)
    const json = JSON.stringify(merge ? { ...safeBase, ...own } : own)
    const ownJson = json.length > 2 ? `,${json.slice(1, -1)}` : ''
    state.sink(`${head}${merge ? '' : baseJson}${ownJson}}`)
  }
  return {
    get level() {
      return state.level
    },
    setLevel: level => {
      state.level = level
    },
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    child: fields => bind(state, { ...base, ...fields }),
  }
}

// Lines of the same millisecond share one ISO timestamp.
let isoMs = -1
let isoText = ''
function isoNow(): string {
  const now = Date.now()
  if (now !== isoMs) {
    isoMs = now
    isoText = new Date(now).toISOString()
  }
  return isoText
}

/** Logger that drops everything (tests, `--quiet`). */
export const silentLogger: Logger = createLogger({ level: 'silent' })
