// The bare CR / LF policy applied to BDAT messages (session/bare-line-endings.ts).
import { describe, expect, test } from 'bun:test'
import { applyBareLineEndingPolicy, findBareLineEnding } from '../../../src/smtp/session/bare-line-endings.ts'
import { SmtpReplyError } from '../../../src/smtp/protocol/reply-error.ts'

const bytes = (s: string) => new TextEncoder().encode(s)
const text = (b: Uint8Array) => new TextDecoder().decode(b)

describe('findBareLineEnding', () => {
  test.each([
    ['', -1],
    ['abc', -1],
    ['a\r\nb\r\n', -1],
    ['\r\n\r\n', -1],
    ['\n', 0],
    ['\r', 0],
    ['a\nb', 1],
    ['a\rb', 1],
    ['a\r\r\n', 1],
    ['a\r\n\n', 3],
    ['ab\r\nc\n.\n', 5],
    ['x\r\ny\r', 4],
  ])('%j → %d', (input, expected) => {
    expect(findBareLineEnding(bytes(input))).toBe(expected)
  })
})

describe('applyBareLineEndingPolicy', () => {
  test('clean messages are returned as they are', () => {
    const message = bytes('a\r\nb\r\n')
    expect(applyBareLineEndingPolicy(message, 'reject')).toBe(message)
    expect(applyBareLineEndingPolicy(message, 'normalize')).toBe(message)
  })

  test("'reject' throws 550 5.5.2", () => {
    let error: unknown
    try {
      applyBareLineEndingPolicy(bytes('a\n.\nb'), 'reject')
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(SmtpReplyError)
    expect((error as SmtpReplyError).reply).toMatchObject({ code: 550, enhanced: '5.5.2' })
  })

  test.each([
    ['a\nb', 'a\r\nb'],
    ['a\rb', 'a\r\nb'],
    ['a\r\n\nb', 'a\r\n\r\nb'],
    ['a\r\r\nb', 'a\r\n\r\nb'],
    ['x\n.\nMAIL FROM:<e@v>\r\n', 'x\r\n.\r\nMAIL FROM:<e@v>\r\n'],
    ['\n\n', '\r\n\r\n'],
    ['é\nü', 'é\r\nü'],
  ])("'normalize' %j → %j", (input, expected) => {
    expect(text(applyBareLineEndingPolicy(bytes(input), 'normalize'))).toBe(expected)
  })
})
