// Where TOP's output ends (RFC 1939 §7 TOP msg n): the header, the blank line that ends it, and the
// first n lines of the body. Streams over chunks, so a big message is read only as far as needed.
// Line ends are LF with or without CR, as DotStuffEncoder treats them. A message without a blank
// line is all header and is sent whole; so is one with fewer than n body lines.

const LF = 0x0a
const CR = 0x0d

export class TopCutter {
  private inHeader = true
  /** Bytes of the current line so far, excluding a trailing CR. */
  private lineLength = 0
  private pendingCr = false
  private bodyLinesLeft: number
  private finished = false

  constructor(bodyLines: number) {
    this.bodyLinesLeft = bodyLines
  }

  /** True once the limit has been reached: later chunks contribute nothing. */
  get done(): boolean {
    return this.finished
  }

  /** How many leading bytes of `chunk` belong to the output. */
  take(chunk: Uint8Array): number {
    if (this.finished) return 0
    let from = 0
    while (from < chunk.length) {
      const lf = chunk.indexOf(LF, from)
      if (lf < 0) {
        this.addPartial(chunk, from, chunk.length)
        return chunk.length
      }
      this.addPartial(chunk, from, lf)
      const end = lf + 1
      if (this.inHeader) {
        // RFC 5322 §2.1: the header ends at the first empty line.
        if (this.lineLength === 0) {
          this.inHeader = false
          if (this.bodyLinesLeft === 0) return this.stop(end)
        }
      } else if (--this.bodyLinesLeft === 0) {
        return this.stop(end)
      }
      this.lineLength = 0
      this.pendingCr = false
      from = end
    }
    return chunk.length
  }

  private stop(end: number): number {
    this.finished = true
    return end
  }

  /** Count bytes [from, to) of the current line; a CR directly before the LF is not content. */
  private addPartial(chunk: Uint8Array, from: number, to: number): void {
    if (to <= from) return
    // A CR held back from the previous part turns out to be content when more bytes follow it.
    if (this.pendingCr) this.lineLength++
    const endsWithCr = chunk[to - 1] === CR
    this.lineLength += to - from - (endsWithCr ? 1 : 0)
    this.pendingCr = endsWithCr
  }
}
