// nodemailer (a real SMTP client) against the SMTP endpoints over real sockets: STARTTLS on
// submission with AUTH PLAIN and LOGIN, implicit TLS, PIPELINING, 8BITMIME, SMTPUTF8, a 10 MB
// message, and SIZE. What the pipeline receives must equal the bytes given to nodemailer.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import nodemailer from 'nodemailer'
import { ANN, type SmtpTestServer, sampleMessage, startSmtpTestServer } from './support/smtp-test-server.ts'

let server: SmtpTestServer
beforeAll(async () => {
  server = await startSmtpTestServer({
    pipeline: { users: ['bob@example.test', 'carol@example.test', 'jürgen@example.test'] },
  })
})
afterAll(() => server?.stop())

type Options = { port: 'mx' | 'submission' | 'submissions'; authMethod?: string; auth?: boolean }

function transport({ port, authMethod, auth = true }: Options) {
  return nodemailer.createTransport({
    host: '127.0.0.1',
    port: server.ports[port],
    secure: port === 'submissions',
    requireTLS: port === 'submission',
    tls: { ca: server.ca, servername: 'localhost' },
    ...(auth ? { auth: { user: ANN.email, pass: ANN.password }, authMethod } : {}),
  })
}

const lastDelivery = () => {
  const d = server.pipeline.deliveries.at(-1)
  if (!d) throw new Error('nothing delivered')
  return d
}
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes)

describe('nodemailer', () => {
  test.each(['PLAIN', 'LOGIN'])('submission: STARTTLS, AUTH %s, message byte for byte', async method => {
    const raw = sampleMessage(`auth ${method}`)
    const t = transport({ port: 'submission', authMethod: method })
    const info = await t.sendMail({ envelope: { from: ANN.email, to: ['friend@elsewhere.test'] }, raw })
    t.close()
    expect(info.accepted).toEqual(['friend@elsewhere.test'])
    expect(info.response).toStartWith('250 2.0.0')
    const delivery = lastDelivery()
    expect(text(delivery.message)).toBe(raw)
    expect(delivery.ctx.port).toBe('submission')
    expect(delivery.ctx.auth?.email).toBe(ANN.email)
    expect(delivery.ctx.tls?.protocol).toMatch(/^TLSv1\.[23]$/)
  })

  test('submissions: implicit TLS (RFC 8314)', async () => {
    const raw = sampleMessage('implicit tls')
    const t = transport({ port: 'submissions' })
    const info = await t.sendMail({ envelope: { from: ANN.email, to: ['bob@example.test'] }, raw })
    t.close()
    expect(info.accepted).toEqual(['bob@example.test'])
    expect(text(lastDelivery().message)).toBe(raw)
    expect(lastDelivery().ctx.port).toBe('submissions')
  })

  test('submission without AUTH is refused (530)', async () => {
    const t = transport({ port: 'submission', auth: false })
    const error = await t
      .sendMail({ envelope: { from: ANN.email, to: ['bob@example.test'] }, raw: sampleMessage('no auth') })
      .catch(e => e)
    t.close()
    expect(String(error?.response)).toStartWith('530 5.7.0')
  })

  test('wrong password → 535 5.7.8', async () => {
    const t = nodemailer.createTransport({
      host: '127.0.0.1',
      port: server.ports.submissions,
      secure: true,
      tls: { ca: server.ca, servername: 'localhost' },
      auth: { user: ANN.email, pass: 'wrong' },
    })
    const error = await t.verify().catch(e => e)
    t.close()
    expect(String(error?.response)).toStartWith('535 5.7.8')
  })

  test('MX with PIPELINING: several recipients, one refused, answered per recipient', async () => {
    const raw = sampleMessage('pipelined')
    const t = transport({ port: 'mx', auth: false })
    const info = await t.sendMail({
      envelope: { from: 'sender@remote.test', to: ['bob@example.test', 'nobody@example.test', 'carol@example.test'] },
      raw,
    })
    t.close()
    expect(info.accepted).toEqual(['bob@example.test', 'carol@example.test'])
    expect(info.rejected).toEqual(['nobody@example.test'])
    expect(lastDelivery().recipients).toEqual(['bob@example.test', 'carol@example.test'])
    expect(text(lastDelivery().message)).toBe(raw)
  })

  test('8BITMIME: BODY=8BITMIME and 8-bit bytes kept', async () => {
    const raw = Buffer.from(sampleMessage('8bit', 'Grüße aus Köln — ½ € \r\n'), 'utf8')
    const t = transport({ port: 'mx', auth: false })
    await t.sendMail({
      envelope: { from: 'sender@remote.test', to: ['bob@example.test'], use8BitMime: true } as never,
      raw,
    })
    t.close()
    expect(Buffer.from(lastDelivery().message).equals(raw)).toBe(true)
    expect(lastDelivery().from.body).toBe('8BITMIME')
  })

  test('SMTPUTF8: internationalized addresses', async () => {
    const raw = Buffer.from(sampleMessage('utf8 address'), 'utf8')
    const t = transport({ port: 'mx', auth: false })
    const info = await t.sendMail({ envelope: { from: 'jörg@remote.test', to: ['jürgen@example.test'] }, raw })
    t.close()
    expect(info.accepted).toEqual(['jürgen@example.test'])
    expect(lastDelivery().from).toMatchObject({ address: 'jörg@remote.test', smtputf8: true })
    expect(lastDelivery().recipients).toEqual(['jürgen@example.test'])
  })

  test('a 10 MB message arrives intact', async () => {
    const line = `${'0123456789abcdefghijklmnopqrstuvwxyz'.repeat(2)}\r\n`
    const body = `.starts with a dot\r\n${line.repeat(Math.ceil((10 * 1024 * 1024) / line.length))}`
    const raw = Buffer.from(sampleMessage('ten megabytes', body))
    const t = transport({ port: 'submission' })
    const info = await t.sendMail({
      envelope: { from: ANN.email, to: ['bob@example.test'], size: raw.length } as never,
      raw,
    })
    t.close()
    expect(info.accepted).toEqual(['bob@example.test'])
    const received = Buffer.from(lastDelivery().message)
    expect(received.length).toBe(raw.length)
    expect(received.equals(raw)).toBe(true)
    expect(lastDelivery().from.size).toBe(raw.length)
  })

  test('the advertised SIZE limit is honoured by the client (RFC 1870 §4)', async () => {
    const t = transport({ port: 'mx', auth: false })
    const error = await t
      .sendMail({
        envelope: { from: 'sender@remote.test', to: ['bob@example.test'], size: 21 * 1024 * 1024 } as never,
        raw: sampleMessage('too big'),
      })
      .catch(e => e)
    t.close()
    // nodemailer reads `SIZE 20971520` from the EHLO reply and does not even send MAIL.
    expect(error?.code).toBe('EMESSAGE')
    expect(String(error?.message)).toContain(String(20 * 1024 * 1024))
  })
})
