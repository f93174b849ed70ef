// What outbound delivery tells TLS-RPT (RFC 8460 §4) about each TLS session it attempted: the
// policy that applied (§4.4 "policy") and either success or one failure with its result type
// (§4.3). The direct transport calls this; tls-report-store.ts counts and persists.

/** RFC 8460 §4.3 result types. */
export type TlsResultType =
  // §4.3.1 negotiation failures
  | 'starttls-not-supported'
  | 'certificate-host-mismatch'
  | 'certificate-expired'
  | 'certificate-not-trusted'
  | 'validation-failure'
  // §4.3.2 policy failures (DANE and MTA-STS)
  | 'tlsa-invalid'
  | 'dnssec-invalid'
  | 'dane-required'
  | 'sts-policy-fetch-error'
  | 'sts-policy-invalid'
  | 'sts-webpki-invalid'

export interface TlsPolicyRef {
  /** The domain whose policy applied (the recipient domain). */
  policyDomain: string
  /** §4.4 policy-type: 'sts' (RFC 8461) or 'no-policy-found'. */
  policyType: 'sts' | 'no-policy-found'
  /** §4.4 policy-string: the policy's lines ([] for no-policy-found). */
  policyString: readonly string[]
  /** §4.4 mx-host: the policy's mx patterns. */
  mxHost: readonly string[]
}

export interface TlsFailureDetail {
  resultType: TlsResultType
  /** Our address on the failed connection. */
  sendingMtaIp?: string
  receivingMxHostname?: string
  receivingMxHelo?: string
  receivingIp?: string
  /** Free text code, e.g. the OpenSSL verification error. */
  failureReasonCode?: string
}

export interface TlsResultRecorder {
  success(policy: TlsPolicyRef): void
  failure(policy: TlsPolicyRef, detail: TlsFailureDetail): void
}

/** A recorder that forgets everything (TLS-RPT off, relay and SES). */
export const nullTlsRecorder: TlsResultRecorder = { success() {}, failure() {} }
