// FETCH over many small messages is paced by the connection: while the client does not read, the
// session stops queueing at about a megabyte instead of piling the whole mailbox into memory; once
// it reads, every message arrives complete, in order and byte-identical. Meanwhile other sessions
// are served (the small files are read synchronously, so the command must give the loop turns).
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { type ImapFixture, imapFixture } from '../imap-session/support/imap-harness.ts'

const encoder = new TextEncoder()
const COUNT = 600
const BODY_LINE = `${'pacing '.repeat(10)}\r\n`

function message(i: number): string {
  let text = `From: Bob <bob@example.test>\r\nTo: ann@example.test\r\nSubject: pacing ${i}\r\n\r\n`
  while (text.length < 4000) text += `${i} ${BODY_LINE}`
  return text
}

let f: ImapFixture
beforeAll(async () => {
  f = await imapFixture()
  await f.storage.mailboxes.create(f.annId, 'Pacing')
  for (let i = 0; i < COUNT; i += 50) {
    await Promise.all(
      Array.from({ length: 50 }, (_, j) =>
        f.storage.messages.append({ accountId: f.annId, mailbox: 'Pacing', content: encoder.encode(message(i + j)) }),
      ),
    )
  }
})
afterAll(() => f.cleanup())

describe('paced FETCH', () => {
  test('a client that does not read holds the FETCH at about a megabyte; then all of it arrives', async () => {
    const c = await f.login()
    await c.send('s1 EXAMINE Pacing')
    const other = await f.login()
    c.transport.holdOutput()
    c.transport.feed('f1 FETCH 1:* BODY.PEEK[]\r\n')
    for (let i = 0; i < 20; i++) await new Promise(resolve => setTimeout(resolve, 5))
    const heldBytes = c.transport.queuedBytes
    // Far less than the ~2.4 MB of the mailbox: the command waits for the client.
    expect(heldBytes).toBeGreaterThan(0)
    expect(heldBytes).toBeLessThan(1.5 * 1024 * 1024)
    // Another session is answered meanwhile.
    expect(await other.send('n1 NOOP')).toContain('n1 OK')
    c.transport.releaseOutput()
    const reply = await c.waitFor(/f1 (OK|NO|BAD)/)
    expect(reply).toContain('f1 OK')
    // Every response whole, in sequence order; the appends ran concurrently, so which body has
    // which number is storage's choice: compare the set of bodies.
    const bodies: string[] = []
    const response = /\* (\d+) FETCH \(BODY\[\] \{(\d+)\}\r\n/y
    let at = reply.indexOf('* 1 FETCH')
    for (let seq = 1; seq <= COUNT; seq++) {
      response.lastIndex = at
      const match = response.exec(reply)
      expect(match?.[1]).toBe(String(seq))
      const start = response.lastIndex
      const body = reply.slice(start, start + Number(match?.[2]))
      bodies.push(body)
      expect(reply.slice(start + body.length, start + body.length + 3)).toBe(')\r\n')
      at = start + body.length + 3
    }
    expect(reply.slice(at)).toStartWith('f1 OK')
    expect(bodies.sort()).toEqual(Array.from({ length: COUNT }, (_, i) => message(i)).sort())
  })
})
