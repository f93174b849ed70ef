// SMTP session state machine over the in-memory transport (RFC 5321 command order and replies):
// greeting, HELO/EHLO, the transaction commands in and out of order, the informational commands,
// limits, and the connection-level rules (max errors, HTTP verbs, early talkers, timeouts, shutdown).
import { describe, expect, test } from 'bun:test'
import { HOST, openSession, replyCodes } from './support/session-harness.ts'
import { MemoryPipeline } from './support/memory-pipeline.ts'

/** A session that has said EHLO. */
async function greeted(options: Parameters<typeof openSession>[0] = {}) {
  const h = openSession(options)
  expect(await h.send('EHLO client.example')).toStartWith('250-')
  return h
}

describe('greeting and hello', () => {
  test('the 220 greeting names the host and is written at once', () => {
    const h = openSession()
    expect(h.greeting).toBe(`220 ${HOST} ESMTP\r\n`)
  })

  test('EHLO lists the extensions; STARTTLS offered on a plaintext MX, AUTH not', async () => {
    const h = openSession()
    const reply = await h.send('EHLO client.example')
    const lines = reply.trimEnd().split('\r\n')
    expect(lines[0]).toBe(`250-${HOST} Hello client.example [127.0.0.1]`)
    expect(lines.slice(1).map(l => l.slice(4))).toEqual([
      'SIZE 10000',
      'PIPELINING',
      '8BITMIME',
      'SMTPUTF8',
      'CHUNKING',
      'ENHANCEDSTATUSCODES',
      'DSN',
      'STARTTLS',
      'HELP',
    ])
    expect(lines.at(-1)).toStartWith('250 ')
  })

  test('HELO: one line, and later replies carry no enhanced codes (RFC 2034 §3)', async () => {
    const h = openSession()
    expect(await h.send('HELO client.example')).toBe(`250 ${HOST} Hello client.example [127.0.0.1]\r\n`)
    expect(await h.send('NOOP')).toBe('250 OK\r\n')
    expect(await h.send('MAIL FROM:<a@remote.test> BODY=8BITMIME')).toStartWith('555 ')
    expect(await h.send('MAIL FROM:<a@remote.test>')).toStartWith('250 ')
  })

  test.each([
    ['EHLO', '501 5.5.4'],
    ['EHLO bad..name', '501 5.5.4'],
    ['EHLO a b', '501 5.5.4'],
    ['HELO -bad-', '501 5.5.4'],
    ['EHLO [300.1.1.1]', '501 5.5.4'],
  ])('invalid %s → %s', async (line, expected) => {
    const h = openSession()
    expect(await h.send(line)).toStartWith(expected)
  })

  test('address literals are accepted', async () => {
    const h = openSession()
    expect(await h.send('EHLO [127.0.0.1]')).toStartWith('250-')
    expect(await h.send('EHLO [IPv6:::1]')).toStartWith('250-')
  })
})

describe('transaction order', () => {
  test('MAIL before EHLO → 503 5.5.1', async () => {
    const h = openSession()
    expect(await h.send('MAIL FROM:<a@remote.test>')).toStartWith('503 5.5.1')
  })

  test('RCPT before MAIL → 503; DATA before MAIL → 503', async () => {
    const h = await greeted()
    expect(await h.send('RCPT TO:<bob@example.test>')).toStartWith('503 5.5.1')
    expect(await h.send('DATA')).toStartWith('503 5.5.1')
  })

  test('DATA without an accepted recipient → 554 5.5.1', async () => {
    const h = await greeted()
    await h.send('MAIL FROM:<a@remote.test>')
    expect(await h.send('RCPT TO:<nobody@example.test>')).toStartWith('550 5.1.1')
    expect(await h.send('DATA')).toStartWith('554 5.5.1')
  })

  test('nested MAIL → 503; RSET ends the transaction', async () => {
    const h = await greeted()
    expect(await h.send('MAIL FROM:<a@remote.test>')).toStartWith('250 2.1.0')
    expect(await h.send('MAIL FROM:<b@remote.test>')).toStartWith('503 5.5.1')
    expect(await h.send('RSET')).toStartWith('250 2.0.0')
    expect(await h.send('RCPT TO:<bob@example.test>')).toStartWith('503 5.5.1')
    expect(await h.send('MAIL FROM:<b@remote.test>')).toStartWith('250 2.1.0')
  })

  test('EHLO in the middle of a transaction resets it', async () => {
    const h = await greeted()
    await h.send('MAIL FROM:<a@remote.test>')
    await h.send('EHLO again.example')
    expect(await h.send('RCPT TO:<bob@example.test>')).toStartWith('503 5.5.1')
  })

  test('a whole transaction: dot-unstuffing, CRLF kept, 250 after delivery', async () => {
    const pipeline = new MemoryPipeline()
    const h = await greeted({ pipeline })
    expect(await h.send('MAIL FROM:<a@remote.test>')).toStartWith('250 2.1.0')
    expect(await h.send('RCPT TO:<bob@example.test>')).toStartWith('250 2.1.5')
    expect(await h.send('RCPT TO:<Carol@Example.Test>')).toStartWith('250 2.1.5')
    expect(await h.send('DATA')).toBe('354 End data with <CR><LF>.<CR><LF>\r\n')
    expect(await h.feed('Subject: hi\r\n\r\n..leading dot\r\nbody\r\n.\r\n')).toBe('250 2.0.0 Queued as m1\r\n')
    expect(pipeline.lastMessage()).toBe('Subject: hi\r\n\r\n.leading dot\r\nbody\r\n')
    expect(pipeline.deliveries[0]?.recipients).toEqual(['bob@example.test', 'Carol@Example.Test'])
    expect(pipeline.deliveries[0]?.ctx.helo).toBe('client.example')
    expect(pipeline.deliveries[0]?.ctx.esmtp).toBe(true)
    // The transaction is over.
    expect(await h.send('RCPT TO:<bob@example.test>')).toStartWith('503 5.5.1')
  })

  test('null reverse-path and <Postmaster>', async () => {
    const pipeline = new MemoryPipeline()
    const h = await greeted({ pipeline })
    expect(await h.send('MAIL FROM:<>')).toStartWith('250 ')
    expect(await h.send('RCPT TO:<Postmaster>')).toStartWith('250 ')
    expect(pipeline.calls).toEqual(['MAIL ', `RCPT postmaster@${HOST}`])
  })

  test('relaying refused by the pipeline; a refused MAIL starts no transaction', async () => {
    const h = await greeted({ pipeline: new MemoryPipeline({ blockedSenders: ['spam@remote.test'] }) })
    expect(await h.send('MAIL FROM:<spam@remote.test>')).toStartWith('550 5.7.1')
    expect(await h.send('RCPT TO:<bob@example.test>')).toStartWith('503 ')
    await h.send('MAIL FROM:<a@remote.test>')
    expect(await h.send('RCPT TO:<someone@elsewhere.test>')).toStartWith('554 5.7.1')
  })

  test('max recipients → 452 4.5.3, the accepted ones still get the message', async () => {
    const pipeline = new MemoryPipeline({ users: ['u1@example.test', 'u2@example.test'] })
    const h = await greeted({ pipeline, settings: { maxRecipients: 2 } })
    await h.send('MAIL FROM:<a@remote.test>')
    expect(await h.send('RCPT TO:<u1@example.test>')).toStartWith('250 ')
    expect(await h.send('RCPT TO:<u2@example.test>')).toStartWith('250 ')
    expect(await h.send('RCPT TO:<u1@example.test>')).toStartWith('452 4.5.3')
    await h.send('DATA')
    expect(await h.feed('x\r\n.\r\n')).toStartWith('250 ')
    expect(pipeline.deliveries[0]?.recipients).toHaveLength(2)
  })

  test('DSN parameters reach the pipeline', async () => {
    const pipeline = new MemoryPipeline()
    const h = await greeted({ pipeline })
    await h.send('MAIL FROM:<a@remote.test> RET=HDRS ENVID=abc+2B1')
    await h.send('RCPT TO:<bob@example.test> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;bob@example.test')
    await h.send('DATA')
    await h.feed('x\r\n.\r\n')
    const delivery = pipeline.deliveries[0]
    expect(delivery?.from.ret).toBe('HDRS')
    expect(delivery?.from.envid).toBe('abc+1')
  })
})

describe('SIZE, 8BITMIME and SMTPUTF8', () => {
  test('declared SIZE over the limit → 552 5.3.4 at MAIL (RFC 1870 §6.2)', async () => {
    const h = await greeted()
    expect(await h.send('MAIL FROM:<a@remote.test> SIZE=10001')).toStartWith('552 5.3.4')
    expect(await h.send('MAIL FROM:<a@remote.test> SIZE=10000')).toStartWith('250 ')
  })

  test('actual size over the limit → 552 after the data; nothing delivered', async () => {
    const pipeline = new MemoryPipeline()
    const h = await greeted({ pipeline })
    await h.send('MAIL FROM:<a@remote.test> SIZE=100')
    await h.send('RCPT TO:<bob@example.test>')
    await h.send('DATA')
    const line = `${'x'.repeat(99)}\r\n`
    expect(await h.feed(line.repeat(101))).toBe('')
    expect(await h.feed('.\r\n')).toStartWith('552 5.3.4')
    expect(pipeline.deliveries).toHaveLength(0)
    expect(await h.send('RCPT TO:<bob@example.test>')).toStartWith('503 ')
  })

  test('8-bit body with BODY=8BITMIME is kept byte for byte', async () => {
    const pipeline = new MemoryPipeline()
    const h = await greeted({ pipeline })
    await h.send('MAIL FROM:<a@remote.test> BODY=8BITMIME')
    await h.send('RCPT TO:<bob@example.test>')
    await h.send('DATA')
    const body = new Uint8Array([0x53, 0x3a, 0x20, 0xe9, 0xff, 0x0d, 0x0a, 0x2e, 0x0d, 0x0a])
    expect(await h.feed(body)).toStartWith('250 ')
    expect([...(pipeline.deliveries[0]?.message ?? [])]).toEqual([0x53, 0x3a, 0x20, 0xe9, 0xff, 0x0d, 0x0a])
    expect(pipeline.deliveries[0]?.from.body).toBe('8BITMIME')
  })

  test('BINARYMIME and REQUIRETLS are not offered', async () => {
    const h = await greeted()
    expect(await h.send('MAIL FROM:<a@remote.test> BODY=BINARYMIME')).toStartWith('504 5.5.4')
    expect(await h.send('MAIL FROM:<a@remote.test> REQUIRETLS')).toStartWith('555 5.5.4')
    expect(await h.send('MAIL FROM:<a@remote.test> FOO=bar')).toStartWith('555 5.5.4')
  })

  test('non-ASCII addresses need SMTPUTF8 (RFC 6531 §3.5)', async () => {
    const pipeline = new MemoryPipeline({ users: ['bob@example.test', 'jürgen@example.test'] })
    const h = await greeted({ pipeline })
    expect(await h.send('MAIL FROM:<jörg@remote.test>')).toStartWith('550 5.6.7')
    await h.send('MAIL FROM:<a@remote.test>')
    expect(await h.send('RCPT TO:<jürgen@example.test>')).toStartWith('553 5.6.7')
    await h.send('RSET')
    expect(await h.send('MAIL FROM:<jörg@remote.test> SMTPUTF8')).toStartWith('250 ')
    expect(await h.send('RCPT TO:<jürgen@example.test>')).toStartWith('250 ')
    await h.send('DATA')
    expect(await h.feed('Subject: grüße\r\n\r\nhi\r\n.\r\n')).toStartWith('250 ')
    expect(pipeline.deliveries[0]?.from).toMatchObject({ address: 'jörg@remote.test', smtputf8: true })
    expect(pipeline.lastMessage()).toBe('Subject: grüße\r\n\r\nhi\r\n')
  })
})

describe('bare line endings in DATA (SMTP smuggling)', () => {
  const smuggled = 'Subject: one\r\n\r\nfirst\n.\nMAIL FROM:<forged@victim.test>\r\n.\r\n'

  test("'reject': a bare LF fails the message with 550 5.5.2 and nothing after \\n.\\n runs", async () => {
    const pipeline = new MemoryPipeline()
    const h = await greeted({ pipeline })
    await h.send('MAIL FROM:<a@remote.test>')
    await h.send('RCPT TO:<bob@example.test>')
    await h.send('DATA')
    expect(await h.feed(smuggled)).toBe('550 5.5.2 Bare <CR> or <LF> received; lines must end with <CR><LF>\r\n')
    expect(pipeline.deliveries).toHaveLength(0)
    expect(pipeline.calls.filter(c => c.startsWith('MAIL'))).toEqual(['MAIL a@remote.test'])
  })

  test("'normalize': one message, the smuggled lines are content with CRLF", async () => {
    const pipeline = new MemoryPipeline()
    const h = await greeted({ pipeline, settings: { bareLineEndings: 'normalize' } })
    await h.send('MAIL FROM:<a@remote.test>')
    await h.send('RCPT TO:<bob@example.test>')
    await h.send('DATA')
    expect(replyCodes(await h.feed(smuggled))).toEqual([250])
    expect(pipeline.deliveries).toHaveLength(1)
    expect(pipeline.lastMessage()).toBe('Subject: one\r\n\r\nfirst\r\n.\r\nMAIL FROM:<forged@victim.test>\r\n')
  })

  test('a DATA line over smtp.maxDataLineLength → 554 5.6.0', async () => {
    const h = await greeted({ settings: { maxDataLineLength: 100 } })
    await h.send('MAIL FROM:<a@remote.test>')
    await h.send('RCPT TO:<bob@example.test>')
    await h.send('DATA')
    expect(await h.feed(`${'y'.repeat(200)}\r\n.\r\n`)).toStartWith('554 5.6.0')
  })
})

describe('informational commands', () => {
  test.each([
    ['NOOP', '250 2.0.0'],
    ['NOOP anything', '250 2.0.0'],
    ['VRFY bob', '252 2.0.0'],
    ['EXPN staff', '502 5.5.1'],
    ['HELP', '214-2.0.0'],
    ['TURN', '502 5.5.1'],
    ['FROB', '500 5.5.2'],
    ['MAIL TO:<a@b.test>', '501 5.5.4'],
  ])('%s → %s', async (line, expected) => {
    const h = await greeted()
    expect(await h.send(line)).toStartWith(expected)
  })

  test('QUIT: 221, then the connection closes', async () => {
    const h = await greeted()
    expect(await h.send('QUIT')).toBe(`221 2.0.0 ${HOST} Service closing transmission channel\r\n`)
    expect(h.transport.closed).toBe(true)
    expect(h.transport.closeReason).toBe('server')
  })

  test('an over-long command line → 500, and the session goes on', async () => {
    const h = await greeted()
    expect(await h.send(`NOOP ${'x'.repeat(20_000)}`)).toStartWith('500 5.5.2')
    expect(await h.send('NOOP')).toStartWith('250 ')
  })
})

describe('connection rules', () => {
  test('max errors: the error that reaches smtp.maxErrors is answered 421 and the connection closes', async () => {
    const h = await greeted({ settings: { maxErrors: 3 } })
    expect(await h.send('FOO')).toStartWith('500 ')
    expect(await h.send('RCPT TO:<bob@example.test>')).toStartWith('503 ')
    expect(await h.send('BAR')).toBe(`421 4.7.0 ${HOST} Too many errors, closing transmission channel\r\n`)
    expect(h.transport.closed).toBe(true)
    expect(h.registry.counter('smtp_rejections_total', '').get({ port: 'mx', reason: 'too_many_errors' })).toBe(1)
  })

  test('policy refusals do not count as protocol errors', async () => {
    const h = await greeted({ settings: { maxErrors: 2 } })
    await h.send('MAIL FROM:<a@remote.test>')
    for (let i = 0; i < 4; i++) expect(await h.send(`RCPT TO:<nobody${i}@example.test>`)).toStartWith('550 5.1.1')
    expect(h.transport.closed).toBe(false)
  })

  test.each(['GET / HTTP/1.1', 'POST /submit HTTP/1.1', 'CONNECT mx.example.test:25 HTTP/1.1'])(
    'HTTP request %s → 554 and close',
    async line => {
      const h = openSession()
      const out = await h.feed(`${line}\r\nHost: ${HOST}\r\n\r\n`)
      expect(out).toBe(`554 5.5.0 ${HOST} This is an SMTP server, not an HTTP server\r\n`)
      expect(h.transport.closed).toBe(true)
    },
  )

  test('HTTP verb after EHLO is refused too', async () => {
    const h = await greeted()
    expect(await h.send('POST / HTTP/1.1')).toStartWith('554 5.5.0')
    expect(h.transport.closed).toBe(true)
  })

  test('early talker: the first command arrives with more behind it → 554, nothing runs', async () => {
    const pipeline = new MemoryPipeline()
    const h = openSession({ pipeline })
    const out = await h.feed('EHLO spam.example\r\nMAIL FROM:<a@remote.test>\r\nRCPT TO:<bob@example.test>\r\n')
    expect(out).toBe(`554 5.5.0 ${HOST} Protocol violation: commands sent before the server's reply\r\n`)
    expect(h.transport.closed).toBe(true)
    expect(pipeline.calls).toEqual([])
    expect(h.registry.counter('smtp_rejections_total', '').get({ port: 'mx', reason: 'early_talker' })).toBe(1)
  })

  test('a first command split over several segments is not an early talker', async () => {
    const h = openSession()
    expect(await h.feed('EH')).toBe('')
    expect(await h.feed('LO client.exa')).toBe('')
    expect(await h.feed('mple\r\n')).toStartWith('250-')
  })

  test('pipelining after EHLO: a burst in one segment is answered in order, in one write', async () => {
    const pipeline = new MemoryPipeline({ slow: true })
    const h = await greeted({ pipeline })
    const writesBefore = h.writes()
    const out = await h.feed(
      'MAIL FROM:<a@remote.test>\r\nRCPT TO:<bob@example.test>\r\nRCPT TO:<nobody@example.test>\r\nRCPT TO:<carol@example.test>\r\nDATA\r\n',
    )
    expect(out).toBe(
      '250 2.1.0 Sender OK\r\n250 2.1.5 Recipient OK\r\n550 5.1.1 Mailbox unavailable\r\n250 2.1.5 Recipient OK\r\n354 End data with <CR><LF>.<CR><LF>\r\n',
    )
    expect(h.writes() - writesBefore).toBe(1)
    expect(pipeline.calls).toEqual([
      'MAIL a@remote.test',
      'RCPT bob@example.test',
      'RCPT nobody@example.test',
      'RCPT carol@example.test',
    ])
    // The message and the next command in one segment too.
    expect(await h.feed('hi\r\n.\r\nQUIT\r\n')).toBe(
      `250 2.0.0 Queued as m1\r\n221 2.0.0 ${HOST} Service closing transmission channel\r\n`,
    )
    expect(pipeline.lastMessage()).toBe('hi\r\n')
  })

  test('a command split byte by byte and a message fed one byte at a time', async () => {
    const pipeline = new MemoryPipeline()
    const h = await greeted({ pipeline })
    const script = 'MAIL FROM:<a@remote.test>\r\nRCPT TO:<bob@example.test>\r\nDATA\r\nline 1\r\n..\r\n.\r\nNOOP\r\n'
    let out = ''
    for (const ch of script) out += await h.feed(ch)
    expect(replyCodes(out)).toEqual([250, 250, 354, 250, 250])
    expect(pipeline.lastMessage()).toBe('line 1\r\n.\r\n')
  })
})

describe('input while busy', () => {
  test('a client that floods while a command is running is cut off with 421 (bounded buffer)', async () => {
    const h = await greeted({ pipeline: new MemoryPipeline({ slow: true }), settings: { maxMessageSize: 1000 } })
    h.transport.feed('MAIL FROM:<a@remote.test>\r\n')
    // The pipeline is still working on MAIL: everything else is buffered, up to a limit.
    h.transport.feed(`NOOP ${'x'.repeat(500)}\r\n`.repeat(2200))
    await h.session.whenIdle()
    const out = h.transport.takeOutput()
    expect(out).toBe(`421 4.7.0 ${HOST} Too much pipelined input, closing transmission channel\r\n`)
    expect(h.transport.closed).toBe(true)
  })
})

describe('timeouts and shutdown', () => {
  test('RFC 5321 §4.5.3.2: command timeout, data timeout during DATA, back after', async () => {
    const h = await greeted({ settings: { commandTimeoutMs: 300_000, dataTimeoutMs: 180_000 } })
    expect(h.transport.idleTimeoutMs).toBe(300_000)
    await h.send('MAIL FROM:<a@remote.test>')
    await h.send('RCPT TO:<bob@example.test>')
    await h.send('DATA')
    expect(h.transport.idleTimeoutMs).toBe(180_000)
    await h.feed('x\r\n.\r\n')
    expect(h.transport.idleTimeoutMs).toBe(300_000)
  })

  test('idle timeout → 421 4.4.2 and close', async () => {
    const h = await greeted()
    h.transport.idleTimeout()
    await h.transport.tick()
    expect(h.transport.takeOutput()).toBe(`421 4.4.2 ${HOST} Idle timeout, closing transmission channel\r\n`)
    expect(h.transport.closeReason).toBe('timeout')
  })

  test('shutdown between commands → 421 4.3.2', async () => {
    const h = await greeted()
    h.session.onShutdown()
    expect(h.transport.takeOutput()).toStartWith('421 4.3.2')
    expect(h.transport.closed).toBe(true)
  })

  test('shutdown during DATA waits for the end of the message', async () => {
    const pipeline = new MemoryPipeline()
    const h = await greeted({ pipeline })
    await h.send('MAIL FROM:<a@remote.test>')
    await h.send('RCPT TO:<bob@example.test>')
    await h.send('DATA')
    await h.feed('part one\r\n')
    h.session.onShutdown()
    expect(h.transport.closed).toBe(false)
    const out = await h.feed('part two\r\n.\r\n')
    expect(replyCodes(out)).toEqual([250, 421])
    expect(pipeline.lastMessage()).toBe('part one\r\npart two\r\n')
    expect(h.transport.closed).toBe(true)
  })
})

describe('metrics', () => {
  test('connections, active gauge, messages, bytes', async () => {
    const pipeline = new MemoryPipeline()
    const h = await greeted({ pipeline })
    const counter = (name: string) => h.registry.counter(name, '')
    expect(counter('smtp_connections_total').get({ port: 'mx' })).toBe(1)
    expect(h.registry.gauge('smtp_active_connections', '').get({ port: 'mx' })).toBe(1)
    await h.send('MAIL FROM:<a@remote.test>')
    await h.send('RCPT TO:<bob@example.test>')
    await h.send('DATA')
    await h.feed('x\r\n.\r\n')
    await h.send('MAIL FROM:<a@remote.test> SIZE=99999')
    await h.send('QUIT')
    expect(counter('smtp_messages_total').get({ port: 'mx', result: 'accepted' })).toBe(1)
    expect(counter('smtp_rejections_total').get({ port: 'mx', reason: 'size' })).toBe(1)
    expect(counter('smtp_bytes_received_total').get({ port: 'mx' })).toBe(h.bytesFed())
    expect(h.registry.gauge('smtp_active_connections', '').get({ port: 'mx' })).toBe(0)
  })
})
