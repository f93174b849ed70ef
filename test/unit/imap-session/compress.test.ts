// COMPRESS=DEFLATE (RFC 4978) over the memory transport: after the tagged OK both directions are
// raw DEFLATE. The test client compresses each command with its own sync-flushed deflate run (a
// valid continuation of one raw stream) and inflates everything the server wrote since COMPRESS.
import { afterAll, beforeAll, expect, test } from 'bun:test'
import zlib from 'node:zlib'
import { type ImapFixture, type ImapTestClient, imapFixture } from './support/imap-harness.ts'

const SYNC = { finishFlush: zlib.constants.Z_SYNC_FLUSH }
const compress = (text: string) => new Uint8Array(zlib.deflateRawSync(Buffer.from(text), SYNC))

let f: ImapFixture
beforeAll(async () => {
  f = await imapFixture()
})
afterAll(() => f.cleanup())

/** The client side of a compressed session: bytes written by the server from `offset` on are compressed. */
class Compressed {
  constructor(
    private readonly c: ImapTestClient,
    private readonly offset: number,
  ) {}

  /** Everything the server sent since COMPRESS, inflated. */
  text(): string {
    const raw = this.c.transport.outputBytes().subarray(this.offset)
    return raw.length === 0 ? '' : zlib.inflateRawSync(raw, SYNC).toString('latin1')
  }

  async send(line: string): Promise<void> {
    this.c.transport.feed(compress(`${line}\r\n`))
    await this.c.settle()
  }

  /** Settle until the inflated output matches (bounded; inflation is asynchronous). */
  async waitFor(pattern: RegExp): Promise<string> {
    for (let i = 0; i < 200; i++) {
      const text = this.text()
      if (pattern.test(text)) return text
      await this.c.settle()
    }
    throw new Error(`never saw ${pattern}; got:\n${this.text()}`)
  }
}

async function compressed(pipelined = ''): Promise<{ c: ImapTestClient; z: Compressed }> {
  const c = await f.login(undefined, { settings: { maxLiteralSize: 1024 * 1024 } })
  const before = c.transport.outputBytes().length
  const command = Buffer.from('z1 COMPRESS DEFLATE\r\n')
  c.transport.feed(pipelined === '' ? command : Buffer.concat([command, compress(pipelined)]))
  await c.settle()
  const ok = 'z1 OK DEFLATE active\r\n'
  // The tagged OK is the last plaintext: what follows it is compressed.
  const after = c.transport.outputBytes().subarray(before)
  expect(Buffer.from(after.subarray(0, ok.length)).toString('latin1')).toBe(ok)
  c.take()
  return { c, z: new Compressed(c, before + ok.length) }
}

test('commands and responses are compressed after the OK', async () => {
  const { c, z } = await compressed()
  await z.send('a1 NOOP')
  expect(await z.waitFor(/a1 OK/)).toBe('a1 OK NOOP completed\r\n')
  await z.send('a2 SELECT INBOX')
  expect(await z.waitFor(/a2 OK/)).toContain('a2 OK [READ-WRITE] SELECT completed\r\n')
  // The raw bytes are not the plaintext.
  expect(Buffer.from(c.transport.outputBytes()).toString('latin1')).not.toContain('a2 OK')
})

test('a command pipelined behind COMPRESS in the same segment is inflated, not read as text', async () => {
  const { z } = await compressed('p1 NOOP\r\n')
  expect(await z.waitFor(/p1 OK/)).toBe('p1 OK NOOP completed\r\n')
})

test('a second COMPRESS is NO [COMPRESSIONACTIVE]', async () => {
  const { z } = await compressed()
  await z.send('a1 COMPRESS DEFLATE')
  expect(await z.waitFor(/a1 /)).toBe('a1 NO [COMPRESSIONACTIVE] DEFLATE is already active\r\n')
})

test('literals and large responses survive compression', async () => {
  const { z } = await compressed()
  const body = `Subject: big\r\n\r\n${'0123456789abcdef'.repeat(20_000)}\r\n`
  await z.send(`a1 APPEND INBOX {${body.length}+}\r\n${body}`)
  await z.waitFor(/a1 OK/)
  await z.send('a2 SELECT INBOX')
  await z.waitFor(/a2 OK/)
  await z.send('a3 UID FETCH * BODY.PEEK[]')
  const text = await z.waitFor(/a3 OK/)
  expect(text).toContain(`BODY[] {${body.length}}\r\n${body})`)
})

test('LOGOUT: BYE and OK arrive compressed, then the connection closes', async () => {
  const { c, z } = await compressed()
  await z.send('a1 LOGOUT')
  expect(await z.waitFor(/a1 OK/)).toContain('* BYE')
  for (let i = 0; i < 50 && !c.closed; i++) await c.settle()
  expect(c.closed).toBe(true)
})

test('garbage instead of DEFLATE ends the session', async () => {
  const { c } = await compressed()
  c.transport.feed(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0x00, 0x13, 0x37]))
  for (let i = 0; i < 50 && !c.closed; i++) await c.settle()
  expect(c.closed).toBe(true)
})

test.each([
  ['a1 COMPRESS LZ4', 'a1 BAD Unknown compression algorithm LZ4'],
  ['a1 COMPRESS', 'a1 BAD'],
])('%s', async (line, expected) => {
  const c = await f.login()
  expect(await c.send(line)).toStartWith(expected)
})

test('COMPRESS before login is BAD', async () => {
  const c = f.connect()
  c.take()
  expect(await c.send('a1 COMPRESS DEFLATE')).toStartWith('a1 BAD COMPRESS is not allowed before login')
})
