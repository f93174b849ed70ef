// A scriptable SMTP server on 127.0.0.1 playing a remote MX (or a smarthost) for outbound delivery
// tests: EHLO with the extensions you list, STARTTLS with the certificate you give, AUTH PLAIN/LOGIN,
// DATA and BDAT, and a `respond` hook that can answer any command (or the end of data) with any
// reply, or drop the connection. Everything received is recorded.
//
//   const mx = await startFakeMx({ tls: leafCert, respond: c => c.verb === 'RCPT' && c.arg.includes('bad') ? '550 5.1.1 no' : undefined })
//   … mx.transactions[0].data …
//   await mx.close()
import type { Socket, SocketHandler } from 'bun'

export interface FakeMxCommand {
  /** Upper-case verb ('EHLO', 'MAIL', 'RCPT', 'DATA', 'BDAT', …) or 'DATA-END' after the message. */
  verb: string
  /** The whole line (for DATA-END: ''). */
  line: string
  /** TLS is active on this connection. */
  tls: boolean
  /** 0-based index of the connection since start. */
  connection: number
  /** For DATA-END: the message as received (dot-unstuffed / BDAT bytes). */
  message?: Uint8Array
}

/** A reply line(s) to send instead of the default, or 'drop' to close without answering. */
export type FakeMxAction = string | 'drop' | undefined

export interface FakeMxOptions {
  /** Listen address (default 127.0.0.1; any 127.x.y.z or ::1 works for several MX on one port). */
  listen?: string
  /** Listen port (default 0 = any). */
  port?: number
  hostname?: string
  /** EHLO keywords (besides STARTTLS and AUTH, which follow `tls`/`auth`). */
  extensions?: string[]
  /** Offer STARTTLS with this certificate (or serve implicit TLS with `implicitTls`). */
  tls?: { cert: string; key: string }
  implicitTls?: boolean
  /** Offer AUTH PLAIN LOGIN and accept these credentials. */
  auth?: { username: string; password: string }
  /** Answer commands; undefined = the default behaviour. */
  respond?: (command: FakeMxCommand) => FakeMxAction
  greeting?: string
}

export interface ReceivedTransaction {
  connection: number
  helo: string
  mailFrom: string
  rcptTo: string[]
  data: Uint8Array
  tls: boolean
  authUser: string | null
  chunking: boolean
}

export interface FakeMx {
  readonly port: number
  readonly transactions: ReceivedTransaction[]
  /** Every command line received, with its connection index ('DATA-END' included). */
  readonly commands: { connection: number; line: string; tls: boolean }[]
  /** Connections accepted so far. */
  readonly connectionCount: number
  setRespond(respond: FakeMxOptions['respond']): void
  close(): Promise<void>
}

const DEFAULT_EXTENSIONS = ['PIPELINING', '8BITMIME', 'ENHANCEDSTATUSCODES', 'SIZE 52428800']

interface Conn {
  index: number
  buffer: Buffer
  tls: boolean
  layer: 'plain' | 'tls'
  helo: string
  mode: 'command' | 'data' | 'bdat' | 'auth-login-user' | 'auth-login-pass' | 'closed'
  mailFrom: string | null
  rcptTo: string[]
  dataParts: Buffer[]
  bdatRemaining: number
  bdatLast: boolean
  authUser: string | null
  loginUser: string
  chunking: boolean
  greeted: boolean
  socket: Socket<Handle>
}

interface Handle {
  conn: Conn | null
  layer: 'plain' | 'tls'
}

export async function startFakeMx(options: FakeMxOptions = {}): Promise<FakeMx> {
  const hostname = options.hostname ?? 'fake-mx.example.test'
  let respond = options.respond
  const transactions: ReceivedTransaction[] = []
  const commands: FakeMx['commands'] = []
  const open = new Set<Socket<Handle>>()
  let connectionCount = 0

  const send = (conn: Conn, text: string) => {
    if (conn.mode !== 'closed') conn.socket.write(text.endsWith('\r\n') ? text : `${text}\r\n`)
  }
  const drop = (conn: Conn) => {
    conn.mode = 'closed'
    conn.socket.terminate()
  }
  /** Send the scripted answer, or the default; returns the reply sent, or null when the connection was dropped. */
  const answer = (conn: Conn, command: FakeMxCommand, fallback: string): string | null => {
    commands.push({ connection: conn.index, line: command.line, tls: conn.tls })
    const action = respond?.(command)
    if (action === 'drop') {
      drop(conn)
      return null
    }
    const reply = action ?? fallback
    send(conn, reply)
    return reply
  }
  const positive = (reply: string | null) => reply !== null && reply.startsWith('2')
  /** The hook's answer alone (the caller sends the default itself). */
  const scriptedOnly = (conn: Conn, command: FakeMxCommand): FakeMxAction => {
    commands.push({ connection: conn.index, line: command.line, tls: conn.tls })
    return respond?.(command)
  }

  const ehloLines = (conn: Conn) => {
    const lines = [hostname, ...(options.extensions ?? DEFAULT_EXTENSIONS)]
    if (options.tls && !conn.tls && !options.implicitTls) lines.push('STARTTLS')
    if (options.auth && !lines.some(l => /^AUTH\b/i.test(l))) lines.push('AUTH PLAIN LOGIN')
    return lines.map((l, i) => `250${i === lines.length - 1 ? ' ' : '-'}${l}`).join('\r\n')
  }

  const resetTransaction = (conn: Conn) => {
    conn.mailFrom = null
    conn.rcptTo = []
    conn.dataParts = []
    conn.chunking = false
  }

  const finishMessage = (conn: Conn) => {
    const message = Buffer.concat(conn.dataParts)
    const command: FakeMxCommand = { verb: 'DATA-END', line: '', tls: conn.tls, connection: conn.index, message }
    const action = respond?.(command)
    commands.push({ connection: conn.index, line: 'DATA-END', tls: conn.tls })
    if (action === 'drop') {
      drop(conn)
      return
    }
    const reply = action ?? '250 2.0.0 queued'
    if (reply.startsWith('2'))
      transactions.push({
        connection: conn.index,
        helo: conn.helo,
        mailFrom: conn.mailFrom ?? '',
        rcptTo: [...conn.rcptTo],
        data: message,
        tls: conn.tls,
        authUser: conn.authUser,
        chunking: conn.chunking,
      })
    send(conn, reply)
    resetTransaction(conn)
  }

  const command = (conn: Conn, line: string) => {
    const verb = (line.split(' ', 1)[0] ?? '').toUpperCase()
    const cmd: FakeMxCommand = { verb, line, tls: conn.tls, connection: conn.index }
    switch (verb) {
      case 'EHLO':
      case 'HELO':
        conn.helo = line.slice(5).trim()
        resetTransaction(conn)
        answer(conn, cmd, verb === 'EHLO' ? ehloLines(conn) : `250 ${hostname}`)
        return
      case 'STARTTLS': {
        if (!options.tls || conn.tls) {
          answer(conn, cmd, '454 4.7.0 TLS not available')
          return
        }
        const action = scriptedOnly(conn, cmd)
        if (action === 'drop') return drop(conn)
        if (action !== undefined) return send(conn, action)
        send(conn, '220 2.0.0 Ready to start TLS')
        conn.buffer = Buffer.alloc(0)
        conn.layer = 'tls'
        const old = conn.socket
        old.data.conn = null
        const [, tls] = old.upgradeTLS<Handle>({
          tls: { cert: options.tls.cert, key: options.tls.key },
          data: { conn, layer: 'tls' },
          socket: tlsHandlers,
        })
        conn.socket = tls
        open.add(tls)
        conn.tls = true
        conn.helo = ''
        return
      }
      case 'AUTH': {
        const [, mechanism, initial] = line.split(' ')
        const check = (user: string, pass: string) => {
          const ok = options.auth && user === options.auth.username && pass === options.auth.password
          if (ok) conn.authUser = user
          answer(conn, cmd, ok ? '235 2.7.0 Authentication successful' : '535 5.7.8 Authentication credentials invalid')
        }
        if (mechanism?.toUpperCase() === 'PLAIN' && initial) {
          const [, user = '', pass = ''] = Buffer.from(initial, 'base64').toString().split('\0')
          return check(user, pass)
        }
        if (mechanism?.toUpperCase() === 'LOGIN') {
          conn.mode = 'auth-login-user'
          commands.push({ connection: conn.index, line, tls: conn.tls })
          return send(conn, '334 VXNlcm5hbWU6')
        }
        answer(conn, cmd, '504 5.5.4 mechanism not supported')
        return
      }
      case 'MAIL':
        conn.mailFrom = positive(answer(conn, cmd, '250 2.1.0 ok')) ? line.slice(10) : null
        return
      case 'RCPT': {
        const reply = answer(conn, cmd, conn.mailFrom === null ? '503 5.5.1 need MAIL' : '250 2.1.5 ok')
        if (positive(reply) && conn.mailFrom !== null) conn.rcptTo.push(line.slice(8))
        return
      }
      case 'DATA':
        if (conn.mailFrom === null || conn.rcptTo.length === 0) {
          answer(conn, cmd, '554 5.5.1 no valid recipients')
          return
        }
        if (answer(conn, cmd, '354 go ahead')?.startsWith('354')) conn.mode = 'data'
        return
      case 'BDAT': {
        const [, size = '', last] = line.split(' ')
        conn.bdatRemaining = Number(size)
        conn.bdatLast = last?.toUpperCase() === 'LAST'
        conn.chunking = true
        commands.push({ connection: conn.index, line, tls: conn.tls })
        conn.mode = 'bdat'
        return
      }
      case 'RSET':
        resetTransaction(conn)
        answer(conn, cmd, '250 2.0.0 ok')
        return
      case 'NOOP':
        answer(conn, cmd, '250 2.0.0 ok')
        return
      case 'QUIT':
        if (answer(conn, cmd, '221 2.0.0 bye')) {
          conn.mode = 'closed'
          conn.socket.end()
        }
        return
      default:
        answer(conn, cmd, '502 5.5.2 command not implemented')
    }
  }

  const feed = (conn: Conn, chunk: Uint8Array) => {
    conn.buffer = Buffer.concat([conn.buffer, chunk])
    for (;;) {
      if (conn.mode === 'closed') return
      if (conn.mode === 'bdat') {
        if (conn.buffer.length < conn.bdatRemaining) return
        conn.dataParts.push(conn.buffer.subarray(0, conn.bdatRemaining))
        conn.buffer = conn.buffer.subarray(conn.bdatRemaining)
        conn.mode = 'command'
        if (conn.mailFrom === null || conn.rcptTo.length === 0) {
          send(conn, '554 5.5.1 no valid recipients')
          resetTransaction(conn)
        } else if (conn.bdatLast) finishMessage(conn)
        else send(conn, '250 2.0.0 chunk ok')
        continue
      }
      const lf = conn.buffer.indexOf(0x0a)
      if (lf < 0) return
      const raw = conn.buffer.subarray(0, lf + 1)
      conn.buffer = conn.buffer.subarray(lf + 1)
      if (conn.mode === 'data') {
        const text = raw.toString('latin1')
        if (text === '.\r\n') {
          conn.mode = 'command'
          finishMessage(conn)
          continue
        }
        conn.dataParts.push(raw[0] === 0x2e ? raw.subarray(1) : raw)
        continue
      }
      const line = raw.toString('utf8').replace(/\r?\n$/, '')
      if (conn.mode === 'auth-login-user') {
        conn.loginUser = Buffer.from(line, 'base64').toString()
        conn.mode = 'auth-login-pass'
        send(conn, '334 UGFzc3dvcmQ6')
        continue
      }
      if (conn.mode === 'auth-login-pass') {
        conn.mode = 'command'
        const pass = Buffer.from(line, 'base64').toString()
        const ok = options.auth && conn.loginUser === options.auth.username && pass === options.auth.password
        if (ok) conn.authUser = conn.loginUser
        send(conn, ok ? '235 2.7.0 Authentication successful' : '535 5.7.8 Authentication credentials invalid')
        continue
      }
      const before = conn.layer
      command(conn, line)
      // RFC 3207 §4.2: bytes pipelined behind STARTTLS were dropped with the buffer.
      if (conn.layer !== before) return
    }
  }

  const makeConn = (socket: Socket<Handle>, tls: boolean): Conn => ({
    index: connectionCount++,
    buffer: Buffer.alloc(0),
    tls,
    layer: tls ? 'tls' : 'plain',
    helo: '',
    mode: 'command',
    mailFrom: null,
    rcptTo: [],
    dataParts: [],
    bdatRemaining: 0,
    bdatLast: false,
    authUser: null,
    loginUser: '',
    chunking: false,
    greeted: false,
    socket,
  })

  const greet = (conn: Conn) => {
    const action = respond?.({ verb: 'CONNECT', line: '', tls: conn.tls, connection: conn.index })
    if (action === 'drop') return drop(conn)
    send(conn, action ?? options.greeting ?? `220 ${hostname} ESMTP fake`)
  }

  const handlers = (layer: 'plain' | 'tls'): SocketHandler<Handle> => ({
    open(socket) {
      open.add(socket)
      // On an upgraded socket the Handle was passed to upgradeTLS; implicit TLS makes its own.
      if (layer === 'tls' && socket.data?.conn) return
      socket.data = { conn: null, layer }
      const conn = makeConn(socket, layer === 'tls')
      socket.data.conn = conn
      if (layer === 'plain') greet(conn)
    },
    handshake(socket, ok) {
      const conn = socket.data?.conn
      // Implicit TLS (RFC 8314): the greeting comes after the handshake.
      if (!ok || !conn || !options.implicitTls || conn.greeted) return
      conn.greeted = true
      greet(conn)
    },
    data(socket, chunk) {
      const conn = socket.data?.conn
      if (!conn || socket.data.layer !== conn.layer) return
      feed(conn, chunk)
    },
    close(socket) {
      open.delete(socket)
    },
    error() {},
  })
  const tlsHandlers = handlers('tls')

  const server = Bun.listen<Handle>({
    hostname: options.listen ?? '127.0.0.1',
    port: options.port ?? 0,
    socket: options.implicitTls ? tlsHandlers : handlers('plain'),
    ...(options.implicitTls && options.tls ? { tls: { cert: options.tls.cert, key: options.tls.key } } : {}),
  })

  return {
    port: server.port,
    transactions,
    commands,
    get connectionCount() {
      return connectionCount
    },
    setRespond(next) {
      respond = next
    },
    async close() {
      server.stop(true)
      for (const s of open) s.terminate()
      open.clear()
    },
  }
}
