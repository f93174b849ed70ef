// A minimal SMTP-like session for the network tests: greeting, EHLO, STARTTLS, NOOP, BIG <n>, QUIT.
// It frames input with LineReader exactly as the real protocol sessions do, and records what it ran.
import { LineReader } from '../../../../src/net/line-reader.ts'
import type { CloseReason, Session, SessionFactory, Transport } from '../../../../src/net/transport.ts'

export interface ToyLog {
  /** Commands executed, tagged with the connection's security at the time. */
  executed: string[]
  closes: CloseReason[]
  tlsStarted: number
  /** sha256 (hex) of each BIG payload written. */
  bigHashes: string[]
  /** Most bytes queued right after a BIG write (> 0 proves a partial write happened). */
  maxQueued: number
  transports: Transport[]
}

export interface ToyOptions {
  /** Clear the line buffer after STARTTLS (correct). false = a naive session that keeps parsing. */
  clearOnStartTls?: boolean
  /** Answer idle timeouts with 421 and end (otherwise the transport's default applies). */
  handleIdle?: boolean
  /** Answer onShutdown with 421 and end. */
  handleShutdown?: boolean
}

export function newToyLog(): ToyLog {
  return { executed: [], closes: [], tlsStarted: 0, bigHashes: [], maxQueued: 0, transports: [] }
}

export function toyFactory(log: ToyLog, options: ToyOptions = {}): SessionFactory {
  return t => createToySession(t, log, options)
}

export function createToySession(t: Transport, log: ToyLog, options: ToyOptions = {}): Session {
  const reader = new LineReader({ maxLineLength: 512 })
  let upgrading = false
  log.transports.push(t)
  t.write('220 toy ESMTP\r\n')

  const run = (line: string): boolean => {
    const [verb = '', ...rest] = line.split(' ')
    const arg = rest.join(' ')
    log.executed.push(`${t.secure ? 'tls' : 'plain'}:${line}`)
    switch (verb.toUpperCase()) {
      case 'EHLO':
        t.write(`250-toy\r\n${t.secure ? '' : '250-STARTTLS\r\n'}250 SIZE 1000000\r\n`)
        return true
      case 'STARTTLS':
        if (t.secure) {
          t.write('503 5.5.1 TLS already active\r\n')
          return true
        }
        t.write('220 2.0.0 Ready to start TLS\r\n')
        upgrading = true
        t.startTls().then(
          () => {
            upgrading = false
          },
          () => {
            upgrading = false
            t.write('454 4.7.0 TLS not available\r\n')
          },
        )
        if (options.clearOnStartTls !== false) {
          reader.clear() // RFC 3207 §4.2: nothing pipelined behind STARTTLS may be processed
          return false
        }
        return true
      case 'NOOP':
        t.write(`250 2.0.0 NOOP ${arg} (${t.secure ? 'tls' : 'plain'})\r\n`)
        return true
      case 'BIG': {
        const payload = new Uint8Array(Number(arg))
        for (let i = 0; i < payload.length; i += 65536) crypto.getRandomValues(payload.subarray(i, i + 65536))
        log.bigHashes.push(new Bun.CryptoHasher('sha256').update(payload).digest('hex'))
        t.write(payload)
        log.maxQueued = Math.max(log.maxQueued, t.queuedBytes)
        t.write('250 2.0.0 BIG done\r\n')
        return true
      }
      case 'QUIT':
        t.write('221 2.0.0 Bye\r\n')
        t.end()
        return false
      default:
        t.write('500 5.5.2 Unknown command\r\n')
        return true
    }
  }

  return {
    onData(chunk) {
      reader.push(chunk)
      for (;;) {
        let line: string | null
        try {
          line = reader.line()
        } catch {
          t.write('500 5.5.2 Line too long\r\n')
          continue
        }
        if (line === null || !run(line)) return
      }
    },
    onTlsStarted() {
      log.tlsStarted++
      reader.clear() // RFC 3207 §4.2: start over
    },
    onClose(reason) {
      log.closes.push(reason)
    },
    onIdleTimeout: options.handleIdle
      ? () => {
          t.write('421 4.4.2 Idle timeout\r\n')
          t.end()
        }
      : undefined,
    onShutdown: options.handleShutdown
      ? () => {
          if (upgrading) return
          t.write('421 4.3.2 Shutting down\r\n')
          t.end()
        }
      : undefined,
  }
}
