// Line endings between the store and mailbox files. Stored messages use CRLF, as SMTP delivers
// them (RFC 5322 §2.1) and as IMAP literals must carry them; mbox files and many Maildir tools
// (Dovecot, Courier, mutt) write bare LF. Imports turn every bare LF into CRLF, mbox export turns
// CRLF back into LF, so a message written by us survives export → import byte for byte.

const CR = 0x0d
const LF = 0x0a

/** Every LF not preceded by CR becomes CRLF; returns the input itself when nothing changes. */
export function toCrlf(bytes: Uint8Array): Uint8Array {
  let bare = 0
  for (let i = bytes.indexOf(LF); i !== -1; i = bytes.indexOf(LF, i + 1)) if (i === 0 || bytes[i - 1] !== CR) bare++
  if (bare === 0) return bytes
  const out = new Uint8Array(bytes.length + bare)
  // A plain loop: per-line views and set() cost more than copying a few KiB byte by byte.
  let to = 0
  let previous = 0
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i] as number
    if (b === LF && previous !== CR) out[to++] = CR
    out[to++] = b
    previous = b
  }
  return out
}

/** Every CRLF becomes LF (a lone CR stays); returns the input itself when nothing changes. */
export function toLf(bytes: Uint8Array): Uint8Array {
  let pairs = 0
  for (let i = bytes.indexOf(LF); i !== -1; i = bytes.indexOf(LF, i + 1)) if (i > 0 && bytes[i - 1] === CR) pairs++
  if (pairs === 0) return bytes
  const out = new Uint8Array(bytes.length - pairs)
  let from = 0
  let to = 0
  for (let i = bytes.indexOf(LF); i !== -1; i = bytes.indexOf(LF, i + 1)) {
    if (i === 0 || bytes[i - 1] !== CR) continue
    out.set(bytes.subarray(from, i - 1), to)
    to += i - 1 - from
    from = i
  }
  out.set(bytes.subarray(from), to)
  return out
}
