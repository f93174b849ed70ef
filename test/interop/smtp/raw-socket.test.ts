// Raw SMTP over real sockets where no client library can go: STARTTLS command injection
// (CVE-2011-0411 class), pipelined bursts, BDAT/CHUNKING over TLS, early talkers, HTTP requests,
// the busy reply when over the connection limit, QUIT.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { LineClient } from '../../unit/net/helpers/line-client.ts'
import { ANN, HOST, type SmtpTestServer, startSmtpTestServer } from './support/smtp-test-server.ts'

let server: SmtpTestServer
let crowded: SmtpTestServer

beforeAll(async () => {
  ;[server, crowded] = await Promise.all([
    startSmtpTestServer(),
    startSmtpTestServer({ limits: { maxConnectionsPerIp: 1 } }),
  ])
})
afterAll(() => Promise.all([server?.stop(), crowded?.stop()]))

const open: LineClient[] = []
async function connect(port: number): Promise<LineClient> {
  const client = await LineClient.connect(port)
  open.push(client)
  return client
}
afterAll(() => {
  for (const c of open) c.close()
})

async function ehlo(client: LineClient): Promise<string> {
  client.write('EHLO raw.example\r\n')
  return client.readReply()
}

const text = (bytes: Uint8Array | undefined) => new TextDecoder().decode(bytes)
const counter = (name: string) => server.metrics.counter(name, '')

describe('raw SMTP over sockets', () => {
  test('STARTTLS injection: commands sent behind STARTTLS in plaintext are never run', async () => {
    const client = await connect(server.ports.mx)
    expect(await client.readReply()).toBe(`220 ${HOST} ESMTP`)
    await ehlo(client)
    const before = server.pipeline.calls.length
    client.write('STARTTLS\r\nMAIL FROM:<injected@evil.test>\r\nRCPT TO:<bob@example.test>\r\n')
    expect(await client.readReply()).toBe('220 2.0.0 Ready to start TLS')
    // upgrade() fails if any plaintext reply to the injected commands had arrived.
    const secure = await client.upgrade({ ca: server.ca })
    open.push(secure)
    const ehloReply = await ehlo(secure)
    expect(ehloReply).not.toContain('STARTTLS')
    secure.write('RCPT TO:<bob@example.test>\r\n')
    expect(await secure.readReply()).toStartWith('503 5.5.1')
    expect(server.pipeline.calls.slice(before)).toEqual([])
    secure.write('QUIT\r\n')
    expect(await secure.readReply()).toStartWith('221 ')
  })

  test('pipelined burst in one write: replies in order; message and QUIT in one write', async () => {
    const client = await connect(server.ports.mx)
    await client.readReply()
    await ehlo(client)
    client.write(
      'MAIL FROM:<a@remote.test>\r\nRCPT TO:<bob@example.test>\r\nRCPT TO:<nobody@example.test>\r\nRCPT TO:<carol@example.test>\r\nDATA\r\n',
    )
    const replies = []
    for (let i = 0; i < 5; i++) replies.push((await client.readReply()).slice(0, 3))
    expect(replies).toEqual(['250', '250', '550', '250', '354'])
    client.write('Subject: burst\r\n\r\n..dot\r\n.\r\nQUIT\r\n')
    expect(await client.readReply()).toStartWith('250 2.0.0')
    expect(await client.readReply()).toStartWith('221 2.0.0')
    await client.closed
    expect(text(server.pipeline.deliveries.at(-1)?.message)).toBe('Subject: burst\r\n\r\n.dot\r\n')
  })

  test('BDAT over implicit TLS with AUTH: pipelined chunks, 8-bit bytes, byte for byte', async () => {
    const client = await LineClient.connectTls(server.ports.submissions, { ca: server.ca })
    open.push(client)
    await client.readReply()
    expect(await ehlo(client)).toContain('CHUNKING')
    client.write(`AUTH PLAIN ${Buffer.from(`\0${ANN.email}\0${ANN.password}`).toString('base64')}\r\n`)
    expect(await client.readReply()).toStartWith('235 ')
    const part1 = Buffer.from('Subject: chunks\r\n\r\n.not stuffed\r\n')
    const part2 = Buffer.from([0xc3, 0xa9, 0xff, 0x00, 0x0d, 0x0a])
    client.write(
      Buffer.concat([
        Buffer.from(`MAIL FROM:<${ANN.email}> BODY=8BITMIME\r\nRCPT TO:<bob@example.test>\r\nBDAT ${part1.length}\r\n`),
        part1,
        Buffer.from(`BDAT ${part2.length} LAST\r\n`),
        part2,
      ]),
    )
    const replies = []
    for (let i = 0; i < 4; i++) replies.push(await client.readReply())
    expect(replies.map(r => r.slice(0, 3))).toEqual(['250', '250', '250', '250'])
    expect(replies[2]).toBe(`250 2.0.0 ${part1.length} octets received`)
    expect(Buffer.from(server.pipeline.deliveries.at(-1)?.message ?? []).equals(Buffer.concat([part1, part2]))).toBe(
      true,
    )
  })

  test('early talker: a client that sends its commands without waiting → 554 and close', async () => {
    const client = await connect(server.ports.mx)
    // Written at once, before the greeting is read.
    client.write('EHLO spam.example\r\nMAIL FROM:<spam@remote.test>\r\nRCPT TO:<bob@example.test>\r\n')
    const before = server.pipeline.calls.length
    const all = await client.readToEnd()
    expect(all).toBe(
      `220 ${HOST} ESMTP\r\n554 5.5.0 ${HOST} Protocol violation: commands sent before the server's reply\r\n`,
    )
    expect(server.pipeline.calls.length).toBe(before)
    expect(counter('smtp_rejections_total').get({ port: 'mx', reason: 'early_talker' })).toBe(1)
  })

  test('an HTTP request gets 554 and the connection closes', async () => {
    const client = await connect(server.ports.submission)
    await client.readReply()
    client.write(`POST /form HTTP/1.1\r\nHost: ${HOST}\r\nContent-Length: 0\r\n\r\n`)
    expect(await client.readToEnd()).toBe(`554 5.5.0 ${HOST} This is an SMTP server, not an HTTP server\r\n`)
    expect(counter('smtp_rejections_total').get({ port: 'submission', reason: 'http' })).toBe(1)
  })

  test('over the connection limit: the busy reply, then close', async () => {
    const first = await connect(crowded.ports.mx)
    expect(await first.readReply()).toStartWith('220 ')
    const second = await connect(crowded.ports.mx)
    expect(await second.readToEnd()).toBe(`421 4.7.0 ${HOST} Too many connections, try again later\r\n`)
    first.write('QUIT\r\n')
    expect(await first.readReply()).toStartWith('221 ')
    await first.closed
  })
})
