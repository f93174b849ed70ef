// The size of a message as RETR sends it (RFC 1939 §5 STAT/LIST): the stored bytes plus one CR for
// every bare LF that DotStuffEncoder completes to CRLF. RFC 1939 §11: a server whose files end lines
// with a single character counts each as two octets, and byte-stuffed dots are not counted (nor is
// the terminating "."); Dovecot's "virtual size" is the same number. Streams: a CR ending one chunk
// pairs with an LF starting the next.

const LF = 0x0a
const CR = 0x0d

export class WireSizeCounter {
  private bytes = 0
  private bareLineFeeds = 0
  private afterCr = false

  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return
    this.bytes += chunk.length
    let lf = chunk.indexOf(LF)
    while (lf >= 0) {
      if (lf === 0 ? !this.afterCr : chunk[lf - 1] !== CR) this.bareLineFeeds++
      lf = chunk.indexOf(LF, lf + 1)
    }
    this.afterCr = chunk[chunk.length - 1] === CR
  }

  /** Octets RETR sends for the bytes pushed so far. */
  get total(): number {
    return this.bytes + this.bareLineFeeds
  }
}

/** Wire size of a whole message held in memory. */
export function wireSize(message: Uint8Array): number {
  const counter = new WireSizeCounter()
  counter.push(message)
  return counter.total
}
