// A scripted IMAP client over a real socket (implicit TLS or plain) for tests that check the exact
// responses: send a line, get every line up to the tagged result, literals kept inline as text.
import type { Socket } from 'bun'

export class RawImapClient {
  private buffer = Buffer.alloc(0)
  private wake: (() => void) | null = null
  private closed = false
  private socket!: Socket<undefined>

  static async connect(port: number, options: { ca?: string } = {}): Promise<RawImapClient> {
    const client = new RawImapClient()
    client.socket = await Bun.connect({
      hostname: '127.0.0.1',
      port,
      ...(options.ca === undefined ? {} : { tls: { ca: options.ca, serverName: 'localhost' } }),
      socket: {
        data: (_s, chunk) => {
          client.buffer = Buffer.concat([client.buffer, chunk])
          client.notify()
        },
        close: () => {
          client.closed = true
          client.notify()
        },
        error: () => {
          client.closed = true
          client.notify()
        },
      },
    })
    return client
  }

  get isClosed(): boolean {
    return this.closed
  }

  write(text: string): void {
    this.socket.write(text)
  }

  /** `tag command` and every response line up to and including the tagged one. */
  async command(tag: string, text: string): Promise<string[]> {
    this.write(`${tag} ${text}\r\n`)
    return this.until(line => line.startsWith(`${tag} `))
  }

  /** Lines (a literal joined into its line) until one matches; throws when the connection closes first. */
  async until(done: (line: string) => boolean): Promise<string[]> {
    const lines: string[] = []
    for (;;) {
      const line = await this.nextLine()
      lines.push(line)
      if (done(line)) return lines
    }
  }

  /** One response line; a `{n}` at its end pulls the literal and the rest of the line in. */
  async nextLine(): Promise<string> {
    let line = ''
    for (;;) {
      const lf = this.buffer.indexOf('\r\n')
      if (lf < 0) {
        await this.more()
        continue
      }
      line += this.buffer.toString('latin1', 0, lf)
      this.buffer = this.buffer.subarray(lf + 2)
      const literal = /\{(\d+)\}$/.exec(line)
      if (literal === null) return line
      const size = Number(literal[1])
      while (this.buffer.length < size) await this.more()
      line += `\r\n${this.buffer.toString('latin1', 0, size)}`
      this.buffer = this.buffer.subarray(size)
    }
  }

  close(): void {
    this.socket.end()
  }

  private async more(): Promise<void> {
    if (this.closed) throw new Error(`connection closed; unread: ${this.buffer.toString('latin1')}`)
    await new Promise<void>(resolve => {
      this.wake = resolve
    })
  }

  private notify(): void {
    const wake = this.wake
    this.wake = null
    wake?.()
  }
}
