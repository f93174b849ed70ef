// The bare CR / bare LF policy for messages that arrive through BDAT (RFC 3030). BDAT needs no end
// marker, so nothing can be smuggled on the way in, but a message stored with bare line ends could
// become a smuggling vector when it is relayed on with DATA. So BDAT messages get the same policy as
// DATA (data-reader.ts): 'reject' → 550 5.5.2, 'normalize' → every bare CR or LF becomes CRLF.
import type { BareLineEndingPolicy } from '../protocol/data-reader.ts'
import { replyError } from '../protocol/reply-error.ts'

const CR = 0x0d
const LF = 0x0a

/** Position of the first CR not followed by LF or LF not preceded by CR, or -1. */
export function findBareLineEnding(message: Uint8Array): number {
  let first = -1
  // indexOf is native: two scans over the line ends beat a byte loop on a 50 MB message.
  for (let lf = message.indexOf(LF); lf >= 0; lf = message.indexOf(LF, lf + 1)) {
    if (lf === 0 || message[lf - 1] !== CR) {
      first = lf
      break
    }
  }
  for (let cr = message.indexOf(CR); cr >= 0 && (first < 0 || cr < first); cr = message.indexOf(CR, cr + 1)) {
    if (message[cr + 1] !== LF) return cr
  }
  return first
}

/** The message to store under `policy`; throws SmtpReplyError 550 5.5.2 for 'reject'. */
export function applyBareLineEndingPolicy(
  message: Uint8Array,
  policy: BareLineEndingPolicy,
  verb = 'BDAT',
): Uint8Array {
  const first = findBareLineEnding(message)
  if (first < 0) return message
  if (policy === 'reject') throw replyError('bareLineEnding', undefined, verb)
  // Worst case every byte after `first` is a bare line end and doubles.
  const out = new Uint8Array(first + (message.length - first) * 2)
  out.set(message.subarray(0, first))
  let n = first
  for (let i = first; i < message.length; i++) {
    const b = message[i] as number
    if (b === CR || b === LF) {
      out[n++] = CR
      out[n++] = LF
      if (b === CR && message[i + 1] === LF) i++
    } else {
      out[n++] = b
    }
  }
  return out.slice(0, n)
}
