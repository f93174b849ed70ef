// Why an outbound connection could not be used. Delivery maps every kind to "deferred" (RFC 5321
// §4.5.4.1: the sender retries), and a TLS failure under a policy to the TLS-RPT result types.
export type ClientSocketErrorKind =
  /** TCP connect failed (refused, unreachable). */
  | 'connect'
  /** No answer within the deadline (connect, handshake, reply). */
  | 'timeout'
  /** The peer closed the connection. */
  | 'closed'
  /** The TLS handshake failed or the certificate was not accepted. */
  | 'tls'
  /** The peer sent something that is not the protocol (over-long or malformed reply). */
  | 'protocol'

export class ClientSocketError extends Error {
  constructor(
    readonly kind: ClientSocketErrorKind,
    message: string,
    cause?: unknown,
    /** For 'tls': the OpenSSL/Node verification code (CERT_HAS_EXPIRED, ERR_TLS_CERT_ALTNAME_INVALID, …). */
    readonly tlsCode: string | null = null,
  ) {
    super(message, cause === undefined ? undefined : { cause })
    this.name = 'ClientSocketError'
  }
}

export const isClientSocketError = (e: unknown): e is ClientSocketError => e instanceof ClientSocketError
