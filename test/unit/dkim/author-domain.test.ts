// The header fields DKIM signing and the queue read before anything else: the author domain
// (From:) and the Message-ID, taken from the header section only, whatever the line ends.
import { describe, expect, test } from 'bun:test'
import { authorDomain, headerFields, messageIdOf } from '../../../src/delivery/dkim/author-domain.ts'

const bytes = (text: string) => new TextEncoder().encode(text)

describe('headerFields', () => {
  test.each([
    ['CRLF', '\r\n'],
    ['bare LF', '\n'],
  ])('stops at the empty line (%s); fields in the body are not header fields', (_, nl) => {
    const message = bytes(
      `From: A <a@Example.ORG>${nl}Subject: one${nl} folded${nl}Message-ID: <m1@example.org>${nl}${nl}` +
        `From: Mallory <m@evil.test>${nl}Message-ID: <m2@evil.test>${nl}`,
    )
    expect(headerFields(message)).toEqual([
      { name: 'from', value: 'A <a@Example.ORG>' },
      { name: 'subject', value: 'one folded' },
      { name: 'message-id', value: '<m1@example.org>' },
    ])
    expect(authorDomain(message)).toBe('example.org')
    expect(messageIdOf(message)).toBe('<m1@example.org>')
  })

  test('a CRLF header ended by a bare LF line, and a message without a body', () => {
    expect(headerFields(bytes('From: a@one.test\r\n\nFrom: b@two.test\r\n'))).toEqual([
      { name: 'from', value: 'a@one.test' },
    ])
    expect(authorDomain(bytes('To: x@y.test\r\nFrom: <a@two.test>\r\n'))).toBe('two.test')
    expect(messageIdOf(bytes('Subject: none\r\n\r\nMessage-ID: <late@x.test>\r\n'))).toBeNull()
  })

  test('UTF-8 in the header is decoded (RFC 6532)', () => {
    expect(headerFields(bytes('Subject: café ✓\r\nFrom: José <j@exämple.test>\r\n\r\nbody\r\n'))).toEqual([
      { name: 'subject', value: 'café ✓' },
      { name: 'from', value: 'José <j@exämple.test>' },
    ])
    expect(authorDomain(bytes('From: José <j@exämple.test>\r\n\r\n'))).toBe('xn--exmple-cua.test')
  })
})
