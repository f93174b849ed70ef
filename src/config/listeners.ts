// The listeners a config enables, with the key of each port, for the collision check and for the
// code that binds them.
import type { Config } from './schema.ts'

export interface ListenerPort {
  /** Dotted key of the port (`smtp.mx.port`, `http.tlsPort`). */
  key: string
  port: number
}

/** Ports of every enabled listener, in schema order. Port 0 (pick a free port) is included. */
export function enabledListenerPorts(config: Config): ListenerPort[] {
  const out: ListenerPort[] = []
  const add = (key: string, l: { enabled: boolean; port: number }) => {
    if (l.enabled) out.push({ key, port: l.port })
  }
  add('smtp.mx.port', config.smtp.mx)
  add('smtp.submission.port', config.smtp.submission)
  add('smtp.submissions.port', config.smtp.submissions)
  add('imap.plain.port', config.imap.plain)
  add('imap.tls.port', config.imap.tls)
  add('pop3.plain.port', config.pop3.plain)
  add('pop3.tls.port', config.pop3.tls)
  add('managesieve.port', config.managesieve)
  if (config.http.enabled) {
    out.push({ key: 'http.port', port: config.http.port })
    if (config.http.tlsEnabled) out.push({ key: 'http.tlsPort', port: config.http.tlsPort })
  }
  return out
}
