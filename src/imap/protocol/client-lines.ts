// Client lines that are not commands: SASL responses during AUTHENTICATE (RFC 9051 §6.2.2) and
// the DONE that ends IDLE (RFC 2177 §3). The session reads them with ImapReceiver.nextLine().
import { decodeBase64Strict } from './base64.ts'
import { ImapParseError } from './imap-parse-error.ts'

export type SaslResponse = { cancelled: true } | { cancelled: false; data: Uint8Array }

/**
 * A line sent in answer to a SASL challenge: base64, or "*" to cancel (the command then ends
 * with a tagged BAD). `tag` is the AUTHENTICATE command's, for the error.
 */
export function parseSaslResponse(line: Uint8Array, tag: string): SaslResponse {
  if (line.length === 1 && line[0] === 0x2a) return { cancelled: true }
  const data = decodeBase64Strict(new TextDecoder('latin1').decode(line))
  if (data === null) throw new ImapParseError('Invalid base64 in SASL response', tag)
  return { cancelled: false, data }
}

/** RFC 2177 §3: IDLE ends with "DONE" (case-insensitive); anything else is a client error. */
export function isIdleDone(line: Uint8Array): boolean {
  return (
    line.length === 4 &&
    ((line[0] as number) | 0x20) === 0x64 &&
    ((line[1] as number) | 0x20) === 0x6f &&
    ((line[2] as number) | 0x20) === 0x6e &&
    ((line[3] as number) | 0x20) === 0x65
  )
}
