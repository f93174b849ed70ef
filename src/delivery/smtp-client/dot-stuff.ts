// RFC 5321 §4.5.2 transparency for DATA: a line that starts with "." gets one more, and the message
// ends with CRLF "." CRLF. Lines are split at every LF (a bare LF too), so a receiver that ends lines
// at a bare LF still never sees an early end of data (SMTP smuggling, CVE-2023-51766 class).
const CR = 0x0d
const LF = 0x0a
const DOT = 0x2e
const TERMINATOR = new Uint8Array([DOT, CR, LF])
const CRLF_TERMINATOR = new Uint8Array([CR, LF, DOT, CR, LF])

/** The bytes to send after a 354: dot-stuffed message + the end-of-data line. */
export function dotStuff(message: Uint8Array): Uint8Array {
  let extra = message.length > 0 && message[0] === DOT ? 1 : 0
  for (let i = message.indexOf(LF); i >= 0 && i + 1 < message.length; i = message.indexOf(LF, i + 1))
    if (message[i + 1] === DOT) extra++
  const endsWithCrlf = message.length >= 2 && message[message.length - 2] === CR && message[message.length - 1] === LF
  const tail = message.length === 0 || endsWithCrlf ? TERMINATOR : CRLF_TERMINATOR
  const out = new Uint8Array(message.length + extra + tail.length)
  if (extra === 0) {
    out.set(message, 0)
  } else {
    let from = 0
    let to = 0
    if (message[0] === DOT) {
      out[to++] = DOT
    }
    for (let i = message.indexOf(LF); i >= 0 && i + 1 < message.length; i = message.indexOf(LF, i + 1)) {
      if (message[i + 1] !== DOT) continue
      out.set(message.subarray(from, i + 1), to)
      to += i + 1 - from
      out[to++] = DOT
      from = i + 1
    }
    out.set(message.subarray(from), to)
  }
  out.set(tail, message.length + extra)
  return out
}
