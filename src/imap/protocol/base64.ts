// Strict base64 (RFC 4648 §4) for SASL data (RFC 9051 §6.2.2, RFC 4959 SASL-IR): padding
// required, no whitespace, so a malformed response is a BAD rather than silently mangled.
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/

/** The decoded bytes, or null when `text` is not canonical base64. */
export function decodeBase64Strict(text: string): Uint8Array | null {
  if (!BASE64.test(text)) return null
  return new Uint8Array(Buffer.from(text, 'base64'))
}
