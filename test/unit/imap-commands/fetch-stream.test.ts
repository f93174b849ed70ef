// Big FETCH bodies are streamed from the message file with backpressure: while the client does not
// read, the session stops after about a megabyte instead of loading and queueing the whole message;
// once it reads, the octets arrive complete and byte-identical. Sections of a big message that are
// octet ranges (TEXT, a part, a partial) stream the same way; HEADER.FIELDS is read from memory.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { STREAM_THRESHOLD } from '../../../src/imap/commands/fetch.ts'
import { type ImapFixture, type ImapTestClient, imapFixture } from '../imap-session/support/imap-harness.ts'

const encoder = new TextEncoder()
const LINE = `${'0123456789'.repeat(7)}ab\r\n` // 74 octets
const BIG_BODY = LINE.repeat(Math.ceil((3 * STREAM_THRESHOLD) / LINE.length))
const HEADER = 'From: Bob <bob@example.test>\r\nTo: ann@example.test\r\nSubject: big one\r\n'
const BIG = `${HEADER}MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nsmall part\r\n--b\r\nContent-Type: application/octet-stream\r\n\r\n${BIG_BODY}\r\n--b--\r\n`

let f: ImapFixture
let uid: number
beforeAll(async () => {
  f = await imapFixture()
  const stored = await f.storage.messages.append({ accountId: f.annId, mailbox: 'INBOX', content: encoder.encode(BIG) })
  uid = stored.uid
})
afterAll(() => f.cleanup())

async function selected(): Promise<ImapTestClient> {
  const c = await f.login()
  await c.send('s1 SELECT INBOX')
  return c
}

/** Run a FETCH with the client's reading paused, then resume; what the session queued meanwhile, and the full reply. */
async function fetchHeld(c: ImapTestClient, command: string): Promise<{ heldBytes: number; reply: string }> {
  c.transport.holdOutput()
  c.transport.feed(`${command}\r\n`)
  // Let the session run as far as it can while nothing is read.
  for (let i = 0; i < 20; i++) await new Promise(resolve => setTimeout(resolve, 5))
  const heldBytes = c.transport.queuedBytes
  c.transport.releaseOutput()
  const reply = await c.waitFor(/f1 (OK|NO|BAD)/)
  return { heldBytes, reply }
}

describe('streamed FETCH', () => {
  test('BODY.PEEK[] of a big message waits for the client and arrives byte-identical', async () => {
    const c = await selected()
    const { heldBytes, reply } = await fetchHeld(c, `f1 UID FETCH ${uid} BODY.PEEK[]`)
    // Nowhere near the 3 MiB message: the stream stopped at its high-water mark.
    expect(heldBytes).toBeGreaterThan(0)
    expect(heldBytes).toBeLessThan(1.5 * STREAM_THRESHOLD)
    expect(reply).toContain(`* 1 FETCH (UID ${uid} BODY[] {${BIG.length}}\r\n${BIG})\r\nf1 OK`)
  })

  test('RFC822 also streams, and sets \\Seen', async () => {
    const c = await selected()
    const { heldBytes, reply } = await fetchHeld(c, 'f1 FETCH 1 (RFC822)')
    expect(heldBytes).toBeLessThan(1.5 * STREAM_THRESHOLD)
    expect(reply).toContain(`RFC822 {${BIG.length}}\r\n${BIG} FLAGS (\\Seen`)
  })

  test('sections that are octet ranges stream; small ones and HEADER.FIELDS are read', async () => {
    const c = await selected()
    // Analysis first (cached), so the next FETCH knows the part offsets without reading the file.
    expect(await c.send('a1 FETCH 1 (BODYSTRUCTURE)')).toContain('a1 OK')
    const part2 = `${BIG_BODY}`
    const { heldBytes, reply } = await fetchHeld(
      c,
      'f1 FETCH 1 (BODY.PEEK[2] BODY.PEEK[1] BODY.PEEK[HEADER.FIELDS (SUBJECT)] BODY.PEEK[2]<10.20> BODY.PEEK[TEXT]<0.5>)',
    )
    expect(heldBytes).toBeLessThan(1.5 * STREAM_THRESHOLD)
    expect(reply).toContain(`BODY[2] {${part2.length}}\r\n${part2} BODY[1] {10}\r\nsmall part `)
    expect(reply).toContain('BODY[HEADER.FIELDS (SUBJECT)] {20}\r\nSubject: big one\r\n\r\n')
    expect(reply).toContain(`BODY[2]<10> {20}\r\n${part2.slice(10, 30)}`)
    expect(reply).toContain('BODY[TEXT]<0> {5}\r\n--b\r\n')
  })

  test('a client that goes away mid-stream ends the FETCH without an error', async () => {
    const c = await selected()
    c.transport.holdOutput()
    c.transport.feed(`f1 UID FETCH ${uid} BODY.PEEK[]\r\n`)
    for (let i = 0; i < 10; i++) await new Promise(resolve => setTimeout(resolve, 5))
    c.transport.clientClose()
    await c.settle()
    expect(c.closed).toBe(true)
  })
})
