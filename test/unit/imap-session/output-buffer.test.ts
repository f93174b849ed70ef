// The session's output buffer: text and octets come out in order and byte-exact, in batches of
// about the flush size; a batch the writer did not keep is reused, one it kept never is.
import { describe, expect, test } from 'bun:test'
import { OutputBuffer } from '../../../src/imap/session/output-buffer.ts'

const decoder = new TextDecoder()

function collect(kept: boolean, flushAt = 1000) {
  const sent: Uint8Array[] = []
  const copies: Uint8Array[] = []
  const out = new OutputBuffer(bytes => {
    sent.push(bytes)
    copies.push(bytes.slice())
    return !kept
  }, flushAt)
  return { out, sent, copies, text: () => decoder.decode(Buffer.concat(copies)) }
}

describe('OutputBuffer', () => {
  test('text and octets in order, sent in batches once past the flush size', () => {
    const { out, copies, text } = collect(false)
    const block = new Uint8Array(300).fill(0x41)
    let expected = ''
    for (let i = 0; i < 20; i++) {
      out.text(`* ${i} FETCH (BODY[] {300}\r\n`)
      out.bytes(block)
      out.text(')\r\n')
      expected += `* ${i} FETCH (BODY[] {300}\r\n${'A'.repeat(300)})\r\n`
    }
    expect(copies.length).toBeGreaterThan(3)
    for (const batch of copies.slice(0, -1)) expect(batch.length).toBeGreaterThanOrEqual(1000)
    out.flush()
    expect(text()).toBe(expected)
    expect(out.size).toBe(0)
  })

  test('non-ASCII text is UTF-8 encoded (quoted strings under UTF8=ACCEPT)', () => {
    const { out, text } = collect(false, 1 << 20)
    const value = `"Grüße — 你好 😀" ${'ä'.repeat(2000)}`
    out.text('* 1 FETCH (ENVELOPE (')
    out.text(value)
    out.text('))\r\n')
    out.flush()
    expect(text()).toBe(`* 1 FETCH (ENVELOPE (${value}))\r\n`)
  })

  test('an octet run bigger than the buffer goes out whole', () => {
    const { out, text } = collect(false, 1000)
    const big = new Uint8Array(50_000).fill(0x62)
    out.text('x')
    out.bytes(big)
    out.text('y')
    out.flush()
    expect(text()).toBe(`x${'b'.repeat(50_000)}y`)
  })

  test('a batch the writer kept is never written again', () => {
    const { out, sent, copies } = collect(true, 100)
    for (let i = 0; i < 50; i++) out.text(`line ${i} ${'.'.repeat(40)}\r\n`)
    out.flush()
    // Each batch still holds exactly what was sent.
    sent.forEach((batch, i) => expect(batch).toEqual(copies[i] as Uint8Array))
    const buffers = new Set(sent.map(b => b.buffer))
    expect(buffers.size).toBe(sent.length)
  })

  test('a batch the writer did not keep is reused for the next one', () => {
    const { out, sent, text } = collect(false, 100)
    let expected = ''
    for (let i = 0; i < 50; i++) {
      const line = `line ${i} ${'.'.repeat(40)}\r\n`
      out.text(line)
      expected += line
    }
    out.flush()
    expect(new Set(sent.map(b => b.buffer)).size).toBeLessThan(sent.length)
    expect(text()).toBe(expected)
  })

  test('clear() forgets what was not sent', () => {
    const { out, copies } = collect(false)
    out.text('never sent')
    out.clear()
    out.flush()
    expect(copies).toEqual([])
  })
})
