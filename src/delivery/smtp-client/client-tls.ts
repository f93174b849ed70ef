// TLS parameters and results of one outbound handshake, shared by SMTP (STARTTLS, implicit TLS) and
// the HTTPS requests of MTA-STS and TLS-RPT.

export interface ClientTlsParams {
  /** SNI, and the name the certificate must carry (RFC 6125) when `verify` is set. */
  serverName: string
  /**
   * Reject the handshake unless the chain leads to a trusted CA and the name matches. Off for
   * opportunistic TLS (RFC 7435): any certificate is better than plaintext.
   */
  verify: boolean
  /** Trusted CAs (PEM). Absent: Bun's bundled roots; see trust-store.ts for the extra-CA config. */
  ca?: readonly string[]
}

export interface TlsOutcome {
  /** e.g. "TLSv1.3". */
  protocol: string
  cipher: string
  /** The chain verified and the name matched (even when verification was not required). */
  verified: boolean
  /** Verification error code when not verified (CERT_HAS_EXPIRED, ERR_TLS_CERT_ALTNAME_INVALID, …). */
  verifyError: string | null
  verifyMessage: string | null
}

/** RFC 8460 §4.3 result types for certificate problems. */
export type CertificateResultType = 'certificate-host-mismatch' | 'certificate-expired' | 'certificate-not-trusted'

/** Map an OpenSSL/Node verification code to the RFC 8460 §4.3.2 result type. */
export function certificateResultType(code: string | null): CertificateResultType {
  switch (code) {
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
    case 'HOSTNAME_MISMATCH':
      return 'certificate-host-mismatch'
    case 'CERT_HAS_EXPIRED':
    case 'CERT_NOT_YET_VALID':
      return 'certificate-expired'
    default:
      return 'certificate-not-trusted'
  }
}
