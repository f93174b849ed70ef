// A stored message → the bytes of a RETR/TOP response body (RFC 1939 §3), streamed chunk by chunk:
//   - every line ends with CRLF on the wire: a bare LF (a Maildir written by another tool, an IMAP
//     APPEND with LF line ends) gets its CR, so clients that split on CRLF see the same lines;
//   - a line starting with "." gets one more "." (byte-stuffing), so no line of the message can be
//     mistaken for the terminating ".";
//   - the response ends with CRLF "." CRLF, adding a CRLF first when the message does not end with one.
// Everything else, 8-bit bytes and bare CRs included, passes through untouched. State carries over
// chunk boundaries (a CR at the end of one chunk, its LF at the start of the next). A chunk that
// needs no change is returned as is, without a copy: the common case for CRLF mail.

const LF = 0x0a
const CR = 0x0d
const DOT = 0x2e
const TERMINATOR = new Uint8Array([DOT, CR, LF])
const LF_TERMINATOR = new Uint8Array([LF, DOT, CR, LF])
const CRLF_TERMINATOR = new Uint8Array([CR, LF, DOT, CR, LF])

export class DotStuffEncoder {
  /** The next byte starts a line (true before the first byte). */
  private atLineStart = true
  /** The last byte seen was a CR (its LF may come in the next chunk). */
  private afterCr = false

  /** The wire form of the next chunk of the message. */
  encode(chunk: Uint8Array): Uint8Array {
    if (chunk.length === 0) return chunk
    const inserts = this.insertionPoints(chunk)
    const last = chunk[chunk.length - 1]
    this.atLineStart = last === LF
    this.afterCr = last === CR
    if (inserts.length === 0) return chunk
    const out = new Uint8Array(chunk.length + inserts.length)
    let from = 0
    let at = 0
    for (const point of inserts) {
      out.set(chunk.subarray(from, point.index), at)
      at += point.index - from
      out[at++] = point.byte
      from = point.index
    }
    out.set(chunk.subarray(from), at)
    return out
  }

  /** The end of the response: CRLF "." CRLF, completing an unterminated last line first. */
  finish(): Uint8Array {
    if (this.atLineStart) return TERMINATOR
    return this.afterCr ? LF_TERMINATOR : CRLF_TERMINATOR
  }

  /** Where a CR (before a bare LF) or a "." (before a line-initial ".") goes, in ascending order. */
  private insertionPoints(chunk: Uint8Array): Array<{ index: number; byte: number }> {
    const points: Array<{ index: number; byte: number }> = []
    if (this.atLineStart && chunk[0] === DOT) points.push({ index: 0, byte: DOT })
    let lf = chunk.indexOf(LF)
    while (lf >= 0) {
      const crBefore = lf === 0 ? this.afterCr : chunk[lf - 1] === CR
      if (!crBefore) points.push({ index: lf, byte: CR })
      if (chunk[lf + 1] === DOT) points.push({ index: lf + 1, byte: DOT })
      lf = chunk.indexOf(LF, lf + 1)
    }
    return points
  }
}
