// Server TLS options for Bun.listen / socket.upgradeTLS. TLS 1.2 is the floor (RFC 8996 deprecates
// 1.0 and 1.1; RFC 8314 §4.1 asks for current TLS). Bun 1.4.5 accepts `minVersion` only as the
// OpenSSL protocol number and its types omit it, hence the widened type below.
import type { CertificatePair, TlsMinVersion } from './transport.ts'

const PROTOCOL_NUMBER: Record<TlsMinVersion, number> = { 'TLSv1.2': 0x0303, 'TLSv1.3': 0x0304 }

export type ServerTlsOptions = Bun.TLSOptions & { minVersion: number }

export function serverTlsOptions(pair: CertificatePair, minVersion: TlsMinVersion = 'TLSv1.2'): ServerTlsOptions {
  return { cert: pair.cert, key: pair.key, minVersion: PROTOCOL_NUMBER[minVersion] }
}
