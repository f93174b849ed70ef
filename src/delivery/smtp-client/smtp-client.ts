// Our SMTP client (RFC 5321 §3, §4.1) over one ClientSocket: greeting, EHLO (HELO fallback),
// STARTTLS (RFC 3207), AUTH (RFC 4954), and transactions that pipeline (RFC 2920) and use BDAT
// (RFC 3030) when the server offers them. One connection carries many transactions (delivery reuses
// connections per destination), so the client tracks whether it is still in a clean state.
import type { Logger } from '../../core/logger.ts'
import type { OutboundRecipient } from '../transport/outbound-transport.ts'
import { ClientSocketError } from './client-socket-error.ts'
import type { ClientSocket } from './client-socket.ts'
import type { ClientTlsParams, TlsOutcome } from './client-tls.ts'
import { dotStuff } from './dot-stuff.ts'
import { type EhloExtensions, NO_EXTENSIONS, parseEhloExtensions } from './ehlo-extensions.ts'
import { type MailParameters, mailFromLine, rcptToLine } from './mail-parameters.ts'
import { base64Utf8, chooseSaslMechanism, plainInitialResponse } from './sasl-client.ts'
import { ReplyAssembler, type SmtpReply, formatReply } from './smtp-reply.ts'

export interface SmtpClientOptions {
  /** Our name in EHLO/HELO (RFC 5321 §4.1.1.1: the FQDN of the client). */
  heloName: string
  /** Wait for the greeting and for replies to commands (RFC 5321 §4.5.3.2: 5 minutes). */
  commandTimeoutMs: number
  /** Wait for the reply after the message data (RFC 5321 §4.5.3.2.6: 10 minutes). */
  dataTimeoutMs: number
  logger: Logger
}

/** A reply that ends a step before the transaction (greeting, EHLO, STARTTLS, AUTH). */
export class SmtpStepError extends Error {
  constructor(
    readonly step: 'greeting' | 'ehlo' | 'starttls' | 'auth' | 'rset',
    readonly reply: SmtpReply,
  ) {
    super(`${step}: ${formatReply(reply)}`)
    this.name = 'SmtpStepError'
  }
}

export interface SmtpEnvelope extends Omit<MailParameters, 'size'> {
  recipients: readonly OutboundRecipient[]
  /** The message as it goes on the wire, CRLF line endings. */
  message: Uint8Array
}

export interface TransactionReplies {
  mail: SmtpReply
  /** One per recipient, in order; null where RCPT was not sent (MAIL failed without pipelining). */
  rcpt: (SmtpReply | null)[]
  /** Reply after the data (or to DATA/BDAT if that failed); null when no recipient was accepted. */
  data: SmtpReply | null
}

const isPositive = (r: SmtpReply) => r.code >= 200 && r.code < 300

export class SmtpClient {
  greeting!: SmtpReply
  extensions: EhloExtensions = NO_EXTENSIONS
  /** Transactions completed on this connection (for the pool's reuse limit). */
  transactions = 0
  /**
   * The current transaction has started sending the message data: after a failure from here on the
   * server may have taken the message, so the caller must not try another host at once.
   */
  dataStarted = false
  /** MAIL was accepted but the transaction did not end: RSET before the next one. */
  private needsReset = false
  /** A command's reply is unknown (timeout, desync): the connection cannot be reused. */
  private broken = false
  private readonly assembler = new ReplyAssembler()

  private constructor(
    readonly socket: ClientSocket,
    private readonly options: SmtpClientOptions,
  ) {}

  /** Read the greeting and say EHLO. Throws SmtpStepError (non-2xx greeting/EHLO) or ClientSocketError. */
  static async open(socket: ClientSocket, options: SmtpClientOptions): Promise<SmtpClient> {
    const client = new SmtpClient(socket, options)
    try {
      client.greeting = await client.readReply(options.commandTimeoutMs)
      if (client.greeting.code !== 220) throw new SmtpStepError('greeting', client.greeting)
      await client.hello()
      return client
    } catch (e) {
      client.abort()
      throw e
    }
  }

  get tls(): TlsOutcome | null {
    return this.socket.tlsOutcome
  }

  /** Still connected, in a known state, and able to start another transaction. */
  get usable(): boolean {
    return !this.broken && !this.socket.closed
  }

  /** RFC 5321 §4.1.1.1 EHLO; on 5xx (an old server) HELO without extensions (§3.2). */
  async hello(): Promise<void> {
    const ehlo = await this.command(`EHLO ${this.options.heloName}\r\n`)
    if (isPositive(ehlo)) {
      this.extensions = parseEhloExtensions(ehlo)
      return
    }
    if (ehlo.code >= 500) {
      const helo = await this.command(`HELO ${this.options.heloName}\r\n`)
      if (isPositive(helo)) {
        this.extensions = NO_EXTENSIONS
        return
      }
      throw new SmtpStepError('ehlo', helo)
    }
    throw new SmtpStepError('ehlo', ehlo)
  }

  /**
   * RFC 3207: STARTTLS, the handshake, then EHLO again (§4.2: the server forgets what it knew).
   * A non-220 reply throws SmtpStepError('starttls'); a failed or refused handshake ClientSocketError('tls').
   */
  async startTls(params: ClientTlsParams): Promise<TlsOutcome> {
    const reply = await this.command('STARTTLS\r\n')
    if (reply.code !== 220) throw new SmtpStepError('starttls', reply)
    let outcome: TlsOutcome
    try {
      outcome = await this.socket.startTls(params, this.options.commandTimeoutMs)
    } catch (e) {
      this.abort()
      throw e
    }
    this.extensions = NO_EXTENSIONS
    await this.hello()
    return outcome
  }

  /** RFC 4954: AUTH PLAIN (initial response) or LOGIN. Throws SmtpStepError('auth') on refusal. */
  async authenticate(username: string, password: string): Promise<void> {
    const mechanism = chooseSaslMechanism(this.extensions.authMechanisms)
    if (mechanism === null)
      throw new SmtpStepError('auth', {
        code: 504,
        enhanced: '5.5.4',
        lines: [`no supported AUTH mechanism offered (${this.extensions.authMechanisms.join(' ') || 'none'})`],
      })
    let reply: SmtpReply
    if (mechanism === 'PLAIN') {
      reply = await this.command(`AUTH PLAIN ${plainInitialResponse(username, password)}\r\n`)
    } else {
      reply = await this.command('AUTH LOGIN\r\n')
      if (reply.code === 334) reply = await this.command(`${base64Utf8(username)}\r\n`)
      if (reply.code === 334) reply = await this.command(`${base64Utf8(password)}\r\n`)
    }
    if (reply.code === 334) {
      // A challenge we did not expect: cancel the exchange (RFC 4954 §4 "*").
      reply = await this.command('*\r\n')
    }
    if (reply.code !== 235) throw new SmtpStepError('auth', reply)
  }

  /**
   * One transaction. Every reply is returned, not thrown; transport errors (closed, timeout) throw
   * ClientSocketError and leave the client unusable.
   */
  async send(envelope: SmtpEnvelope): Promise<TransactionReplies> {
    try {
      return await this.transaction(envelope)
    } catch (e) {
      this.abort()
      throw e
    }
  }

  /** RFC 5321 §4.1.1.10 QUIT, then close; errors are ignored (the work is done). */
  async quit(): Promise<void> {
    if (this.socket.closed) return
    try {
      if (!this.broken) {
        this.socket.write('QUIT\r\n')
        await this.readReply(Math.min(this.options.commandTimeoutMs, 5000))
      }
    } catch {
      // The peer may close without answering QUIT.
    } finally {
      this.socket.close()
    }
  }

  /** Close now, without QUIT. */
  abort(): void {
    this.broken = true
    this.socket.destroy()
  }

  private async transaction(envelope: SmtpEnvelope): Promise<TransactionReplies> {
    this.dataStarted = false
    const ext = this.extensions
    const pipelining = ext.has('PIPELINING')
    const chunking = ext.has('CHUNKING')
    const timeout = this.options.commandTimeoutMs
    const mailLine = mailFromLine({ ...envelope, size: envelope.message.length }, ext)
    const rcptLines = envelope.recipients.map(r => rcptToLine(r, ext))

    let prefix = ''
    if (this.needsReset) prefix = 'RSET\r\n'
    const rcpt: (SmtpReply | null)[] = envelope.recipients.map(() => null)

    if (pipelining) {
      // RFC 2920 §3.1: MAIL, RCPTs and DATA in one group; DATA last. With CHUNKING the BDAT carries
      // the data itself, so it waits for the RCPT replies (no data is sent for nobody).
      this.socket.write(prefix + mailLine + rcptLines.join('') + (chunking ? '' : 'DATA\r\n'))
      if (prefix) await this.expectReset(timeout)
      const mail = await this.readReply(timeout)
      for (let i = 0; i < rcptLines.length; i++) rcpt[i] = await this.readReply(timeout)
      const accepted = isPositive(mail) && rcpt.some(r => r !== null && isPositive(r))
      this.needsReset = isPositive(mail)
      if (chunking) {
        if (!accepted) return { mail, rcpt, data: null }
        return { mail, rcpt, data: await this.sendChunk(envelope.message) }
      }
      const dataReply = await this.readReply(timeout)
      if (dataReply.code !== 354) return { mail, rcpt, data: accepted ? dataReply : null }
      if (!accepted) {
        // RFC 2920 §3.1: DATA was accepted although no recipient was: send an empty message.
        this.socket.write('.\r\n')
        await this.readReply(this.options.dataTimeoutMs)
        this.needsReset = false
        return { mail, rcpt, data: null }
      }
      return { mail, rcpt, data: await this.sendData(envelope.message) }
    }

    if (prefix) {
      this.socket.write(prefix)
      await this.expectReset(timeout)
    }
    const mail = await this.command(mailLine)
    if (!isPositive(mail)) return { mail, rcpt, data: null }
    this.needsReset = true
    for (let i = 0; i < rcptLines.length; i++) rcpt[i] = await this.command(rcptLines[i] as string)
    if (!rcpt.some(r => r !== null && isPositive(r))) return { mail, rcpt, data: null }
    if (chunking) return { mail, rcpt, data: await this.sendChunk(envelope.message) }
    const dataReply = await this.command('DATA\r\n')
    if (dataReply.code !== 354) return { mail, rcpt, data: dataReply }
    return { mail, rcpt, data: await this.sendData(envelope.message) }
  }

  /** After a 354: the dot-stuffed message and the end-of-data line (RFC 5321 §4.5.2). */
  private async sendData(message: Uint8Array): Promise<SmtpReply> {
    this.dataStarted = true
    this.socket.write(dotStuff(message))
    const reply = await this.readReply(this.options.dataTimeoutMs)
    this.finishTransaction()
    return reply
  }

  /** RFC 3030 §2: the whole message as one last chunk, no dot-stuffing. */
  private async sendChunk(message: Uint8Array): Promise<SmtpReply> {
    this.dataStarted = true
    this.socket.write(`BDAT ${message.length} LAST\r\n`)
    this.socket.write(message)
    const reply = await this.readReply(this.options.dataTimeoutMs)
    this.finishTransaction()
    return reply
  }

  /** RFC 5321 §4.1.1.4: the reply after the data ends the transaction, whatever it says. */
  private finishTransaction(): void {
    this.needsReset = false
    this.transactions++
  }

  private async expectReset(timeoutMs: number): Promise<void> {
    const reply = await this.readReply(timeoutMs)
    if (!isPositive(reply)) {
      this.broken = true
      throw new SmtpStepError('rset', reply)
    }
    this.needsReset = false
  }

  private async command(line: string): Promise<SmtpReply> {
    if (this.socket.closed) throw new ClientSocketError('closed', `connection to ${this.socket.remoteAddress} closed`)
    this.socket.write(line)
    return this.readReply(this.options.commandTimeoutMs)
  }

  private async readReply(timeoutMs: number): Promise<SmtpReply> {
    try {
      for (;;) {
        const reply = this.assembler.push(await this.socket.readLine(timeoutMs))
        if (reply !== null) return reply
      }
    } catch (e) {
      // A reply we never read (or could not parse) leaves the conversation out of step: never reuse it.
      this.broken = true
      throw e
    }
  }
}
