// A test client over node:net / node:tls: read CRLF lines, SMTP replies or exact byte counts, and
// upgrade the same socket to TLS with tls.connect({ socket }) as a STARTTLS client does.
import net from 'node:net'
import tls from 'node:tls'

export class LineClient {
  private chunks: Buffer[] = []
  private size = 0
  private waiter: (() => void) | null = null
  private ended = false
  /** Resolves when the server closed the connection (or it was destroyed). */
  readonly closed: Promise<void>

  constructor(readonly socket: net.Socket) {
    socket.on('data', this.onData)
    socket.on('end', this.onEnd)
    socket.on('error', () => this.onEnd())
    // The server's FIN counts: a TLS socket over a half-open TCP socket emits 'close' only much later.
    this.closed = new Promise(resolve => {
      socket.once('end', () => resolve())
      socket.once('close', () => resolve())
    })
  }

  static async connect(port: number, host = '127.0.0.1'): Promise<LineClient> {
    const socket = net.connect({ port, host, allowHalfOpen: true })
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve())
      socket.once('error', reject)
    })
    return new LineClient(socket)
  }

  static async connectTls(port: number, options: tls.ConnectionOptions): Promise<LineClient> {
    const socket = tls.connect({ port, host: '127.0.0.1', servername: 'localhost', ...options })
    await new Promise<void>((resolve, reject) => {
      socket.once('secureConnect', () => resolve())
      socket.once('error', reject)
    })
    return new LineClient(socket)
  }

  write(data: string | Uint8Array): void {
    this.socket.write(data)
  }

  /** Next CRLF line (without CRLF); null at end of stream. */
  async readLine(): Promise<string | null> {
    for (;;) {
      const buf = this.flatten()
      const i = buf.indexOf('\r\n')
      if (i >= 0) {
        const line = buf.subarray(0, i).toString('utf8')
        this.keep(buf.subarray(i + 2))
        return line
      }
      if (this.ended) return null
      await this.more()
    }
  }

  /** A whole SMTP reply (continuation lines "250-" up to the final "250 "), joined with \n. */
  async readReply(): Promise<string> {
    const lines: string[] = []
    for (;;) {
      const line = await this.readLine()
      if (line === null) throw new Error(`connection closed; got so far: ${JSON.stringify(lines)}`)
      lines.push(line)
      if (line[3] !== '-') return lines.join('\n')
    }
  }

  async readBytes(n: number): Promise<Buffer> {
    while (this.size < n) {
      if (this.ended) throw new Error(`stream ended after ${this.size} of ${n} bytes`)
      await this.more()
    }
    const buf = this.flatten()
    this.keep(buf.subarray(n))
    return buf.subarray(0, n)
  }

  /** Everything until the server closes. */
  async readToEnd(): Promise<string> {
    while (!this.ended) await this.more()
    const text = this.flatten().toString('utf8')
    this.keep(Buffer.alloc(0))
    return text
  }

  /** STARTTLS, client side: hand the TCP socket to tls.connect and continue over TLS. */
  async upgrade(options: tls.ConnectionOptions): Promise<LineClient> {
    if (this.size > 0) throw new Error(`unread plaintext before TLS: ${this.flatten().toString()}`)
    this.socket.off('data', this.onData)
    this.socket.off('end', this.onEnd)
    const secure = tls.connect({ socket: this.socket, servername: 'localhost', ...options })
    await new Promise<void>((resolve, reject) => {
      secure.once('secureConnect', () => resolve())
      secure.once('error', reject)
    })
    return new LineClient(secure)
  }

  close(): void {
    this.socket.destroy()
  }

  private onData = (chunk: Buffer) => {
    this.chunks.push(chunk)
    this.size += chunk.length
    this.wake()
  }

  private flatten(): Buffer {
    if (this.chunks.length !== 1) this.chunks = [Buffer.concat(this.chunks)]
    return this.chunks[0] as Buffer
  }

  private keep(rest: Buffer): void {
    this.chunks = [rest]
    this.size = rest.length
  }

  private onEnd = () => {
    this.ended = true
    this.wake()
  }

  private wake() {
    const w = this.waiter
    this.waiter = null
    w?.()
  }

  private more(): Promise<void> {
    return new Promise(resolve => {
      this.waiter = resolve
    })
  }
}

/** Resolve when `predicate` holds, polling on the event loop; fails after `limitMs` (a hang guard, not a timing assertion). */
export async function eventually(predicate: () => boolean, limitMs = 3000): Promise<void> {
  const start = performance.now()
  while (!predicate()) {
    if (performance.now() - start > limitMs) throw new Error('condition not reached')
    await Bun.sleep(5)
  }
}
