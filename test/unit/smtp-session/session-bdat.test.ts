// BDAT / CHUNKING (RFC 3030) through the session: chunk sequences, pipelined chunks, SIZE, refused
// BDAT commands whose octets must still be consumed, and DATA/BDAT mixing.
import { describe, expect, test } from 'bun:test'
import { MemoryPipeline } from './support/memory-pipeline.ts'
import { openSession, replyCodes } from './support/session-harness.ts'

/** `BDAT <size> [LAST]` CRLF and the chunk, sized from the text. */
const bdat = (chunk: string, last = false) => `BDAT ${Buffer.byteLength(chunk)}${last ? ' LAST' : ''}\r\n${chunk}`

async function inTransaction(options: Parameters<typeof openSession>[0] = {}) {
  const pipeline = options.pipeline instanceof MemoryPipeline ? options.pipeline : new MemoryPipeline()
  const h = openSession({ ...options, pipeline })
  await h.send('EHLO client.example')
  expect(await h.send('MAIL FROM:<a@remote.test>')).toStartWith('250 ')
  expect(await h.send('RCPT TO:<bob@example.test>')).toStartWith('250 ')
  return { ...h, pipeline }
}

describe('BDAT', () => {
  test('chunks, then LAST: one message, byte for byte, no dot-unstuffing', async () => {
    const h = await inTransaction()
    expect(await h.feed(bdat('Subject: x\r\n\r\n'))).toBe('250 2.0.0 14 octets received\r\n')
    expect(await h.feed(bdat('.a\r\n.\r\nb', true))).toStartWith('250 2.0.0 Queued')
    expect(h.pipeline.lastMessage()).toBe('Subject: x\r\n\r\n.a\r\n.\r\nb')
    expect(await h.send('RCPT TO:<bob@example.test>')).toStartWith('503 ')
  })

  test('chunk octets split over many segments, with the next command in the last one', async () => {
    const h = await inTransaction()
    expect(await h.feed('BDAT 10 LAST\r\n0123')).toBe('')
    expect(await h.feed('45')).toBe('')
    expect(replyCodes(await h.feed('6789NOOP\r\n'))).toEqual([250, 250])
    expect(h.pipeline.lastMessage()).toBe('0123456789')
  })

  test('pipelined: MAIL, RCPT, BDAT, BDAT LAST in one segment, answered in order', async () => {
    const pipeline = new MemoryPipeline({ slow: true })
    const h = openSession({ pipeline })
    await h.send('EHLO client.example')
    const out = await h.feed(
      `MAIL FROM:<a@remote.test>\r\nRCPT TO:<bob@example.test>\r\n${bdat('hello')}${bdat(' world\r\n', true)}QUIT\r\n`,
    )
    expect(replyCodes(out)).toEqual([250, 250, 250, 250, 221])
    expect(pipeline.lastMessage()).toBe('hello world\r\n')
  })

  test('BDAT 0 LAST ends the message', async () => {
    const h = await inTransaction()
    await h.feed('BDAT 4\r\nabcd')
    expect(await h.send('BDAT 0 LAST')).toStartWith('250 2.0.0 Queued')
    expect(h.pipeline.lastMessage()).toBe('abcd')
  })

  test('over the size limit: 552 for that chunk and the rest, nothing delivered, octets consumed', async () => {
    const h = await inTransaction({ settings: { maxMessageSize: 10 } })
    expect(await h.feed('BDAT 8\r\n12345678')).toStartWith('250 ')
    expect(await h.feed('BDAT 8\r\n12345678')).toStartWith('552 5.3.4')
    expect(await h.feed('BDAT 2 LAST\r\nNO')).toStartWith('552 5.3.4')
    expect(h.pipeline.deliveries).toHaveLength(0)
    // The octets never ran as commands, and the transaction is over.
    expect(await h.send('RCPT TO:<bob@example.test>')).toStartWith('503 ')
  })

  test('refused BDAT (no transaction): the octets are read and dropped, not run as commands', async () => {
    const pipeline = new MemoryPipeline()
    const h = openSession({ pipeline })
    await h.send('EHLO client.example')
    const out = await h.feed(bdat('MAIL FROM:<evil@remote.test>\r\n', true))
    expect(out).toStartWith('503 5.5.1')
    expect(replyCodes(out)).toEqual([503])
    expect(pipeline.calls).toEqual([])
    expect(await h.send('NOOP')).toStartWith('250 ')
  })

  test('refused BDAT (no recipients) → 554 after its octets', async () => {
    const h = openSession()
    await h.send('EHLO client.example')
    await h.send('MAIL FROM:<a@remote.test>')
    expect(await h.feed('BDAT 3 LAST\r\nabc')).toStartWith('554 5.5.1')
  })

  test('DATA after BDAT in the same transaction → 503; BDAT after a finished DATA → 503', async () => {
    const h = await inTransaction()
    await h.feed('BDAT 3\r\nabc')
    expect(await h.send('DATA')).toStartWith('503 5.5.1')
    expect(await h.feed('BDAT 3 LAST\r\ndef')).toStartWith('250 2.0.0 Queued')
    expect(h.pipeline.lastMessage()).toBe('abcdef')

    await h.send('MAIL FROM:<a@remote.test>')
    await h.send('RCPT TO:<bob@example.test>')
    await h.send('DATA')
    expect(await h.feed('x\r\n.\r\n')).toStartWith('250 ')
    expect(await h.feed('BDAT 3 LAST\r\nghi')).toStartWith('503 5.5.1')
    expect(h.pipeline.deliveries).toHaveLength(2)
  })

  test('RSET in the middle of a BDAT transaction drops the chunks', async () => {
    const h = await inTransaction()
    await h.feed('BDAT 3\r\nabc')
    await h.send('RSET')
    await h.send('MAIL FROM:<a@remote.test>')
    await h.send('RCPT TO:<bob@example.test>')
    expect(await h.feed('BDAT 3 LAST\r\nxyz')).toStartWith('250 ')
    expect(h.pipeline.lastMessage()).toBe('xyz')
  })

  test("bare LF in a BDAT message: 'reject' → 550 5.5.2, 'normalize' → CRLF", async () => {
    const rejecting = await inTransaction()
    expect(await rejecting.feed(bdat('a\n.\nb\r\n', true))).toStartWith('550 5.5.2')
    expect(rejecting.pipeline.deliveries).toHaveLength(0)

    const normalizing = await inTransaction({ settings: { bareLineEndings: 'normalize' } })
    expect(await normalizing.feed(bdat('a\n.\nb\r\n', true))).toStartWith('250 ')
    expect(normalizing.pipeline.lastMessage()).toBe('a\r\n.\r\nb\r\n')
  })

  test('BDAT after HELO → 503 (CHUNKING was never offered)', async () => {
    const h = openSession()
    await h.send('HELO client.example')
    await h.send('MAIL FROM:<a@remote.test>')
    await h.send('RCPT TO:<bob@example.test>')
    expect(await h.feed('BDAT 3 LAST\r\nabc')).toStartWith('503')
  })

  test('data timeout while a chunk is being read', async () => {
    const h = await inTransaction({ settings: { dataTimeoutMs: 123_000 } })
    await h.feed('BDAT 10\r\nabc')
    expect(h.transport.idleTimeoutMs).toBe(123_000)
    await h.feed('defghij')
    expect(h.transport.idleTimeoutMs).toBe(300_000)
  })

  test.each([
    ['BDAT', '501 5.5.4'],
    ['BDAT x', '501 5.5.4'],
    ['BDAT 1 FIRST', '501 5.5.4'],
    ['BDAT -1', '501 5.5.4'],
  ])('malformed %s → %s', async (line, expected) => {
    const h = await inTransaction()
    expect(await h.send(line)).toStartWith(expected)
  })
})
