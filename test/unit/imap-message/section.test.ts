// BODY[section]<partial> and BINARY extraction, byte-exact against offsets found by searching the
// fixture octets (helpers/fixtures.ts), with section specs parsed by the real FETCH parser.
import { describe, expect, test } from 'bun:test'
import {
  analyzeMessage,
  binarySectionSize,
  extractBinarySection,
  extractBodySection,
} from '../../../src/imap/message/index.ts'
import { between, bytesOf, fetchAttribute, loadFixture, offsetOf, rangeBetween } from './helpers/fixtures.ts'

/** The octets a BODY[...] item returns for `fixture`, or null (NIL). */
function body(fx: Uint8Array, item: string): Uint8Array | null {
  const attribute = fetchAttribute(item)
  if (attribute.type !== 'body-section') throw new Error(`${item} is not a BODY section`)
  return extractBodySection(fx, analyzeMessage(fx).tree, attribute.section, attribute.partial)
}

const headerEnd = (fx: Uint8Array) => offsetOf(fx, '\r\n\r\n') + 4
/** [start, end) of a slice of the fixture. */
const slice = (fx: Uint8Array, start: number, end: number) => fx.subarray(start, end)
/** A part's MIME header: after its boundary line up to and including the empty line. */
const mimeHeader = (fx: Uint8Array, boundaryLine: string, from = 0) => {
  const start = offsetOf(fx, boundaryLine, from) + boundaryLine.length
  return slice(fx, start, offsetOf(fx, '\r\n\r\n', start) + 4)
}
/** A part's body: after the empty line that follows `marker`, up to the CRLF before `--boundary`. */
const partBody = (fx: Uint8Array, marker: string, boundary: string, from = 0) =>
  between(fx, '\r\n\r\n', `\r\n--${boundary}`, offsetOf(fx, marker, from))

type Row = [fixture: string, item: string, expected: (fx: Uint8Array) => Uint8Array | null]

const rows: Row[] = [
  // The whole message and its two halves.
  ['simple-text.eml', 'BODY[]', fx => fx],
  ['simple-text.eml', 'BODY.PEEK[HEADER]', fx => slice(fx, 0, headerEnd(fx))],
  ['simple-text.eml', 'BODY[TEXT]', fx => slice(fx, headerEnd(fx), fx.length)],
  // A message that is not multipart has one part, 1: its body (RFC 9051 §6.4.5).
  ['simple-text.eml', 'BODY[1]', fx => slice(fx, headerEnd(fx), fx.length)],
  ['simple-text.eml', 'BODY[1.MIME]', fx => slice(fx, 0, headerEnd(fx))],
  ['simple-text.eml', 'BODY[2]', () => null],
  ['simple-text.eml', 'BODY[1.2]', () => null],
  ['simple-text.eml', 'BODY[]<0.10>', fx => slice(fx, 0, 10)],
  ['simple-text.eml', 'BODY[TEXT]<5.3>', fx => slice(fx, headerEnd(fx) + 5, headerEnd(fx) + 8)],
  ['simple-text.eml', 'BODY[]<100000.10>', () => new Uint8Array(0)],
  ['simple-text.eml', 'BODY[TEXT]<10.100000>', fx => slice(fx, headerEnd(fx) + 10, fx.length)],
  // Parts of a multipart; MIME is the part's own header including its empty line.
  ['multipart-alternative.eml', 'BODY[1]', fx => partBody(fx, 'text/plain', 'alt-boundary')],
  ['multipart-alternative.eml', 'BODY[2]', fx => partBody(fx, 'text/html', 'alt-boundary')],
  ['multipart-alternative.eml', 'BODY[1.MIME]', fx => mimeHeader(fx, '--alt-boundary\r\n')],
  ['multipart-alternative.eml', 'BODY[2.MIME]', fx => mimeHeader(fx, '--alt-boundary\r\n', offsetOf(fx, 'ALT-PLAIN'))],
  ['multipart-alternative.eml', 'BODY[3]', () => null],
  ['multipart-alternative.eml', 'BODY[1]<4.5>', fx => partBody(fx, 'text/plain', 'alt-boundary').subarray(4, 9)],
  // The TEXT of a multipart message includes preamble, boundaries and epilogue.
  ['multipart-alternative.eml', 'BODY[TEXT]', fx => slice(fx, headerEnd(fx), fx.length)],
  // Nested multiparts: 1 is multipart/alternative, 1.2 multipart/related, 1.2.2 the image.
  ['nested-related.eml', 'BODY[1]', fx => between(fx, 'boundary="inner-alt"\r\n\r\n', '\r\n--outer')],
  ['nested-related.eml', 'BODY[1.1]', fx => partBody(fx, 'Content-Type: text/plain', 'inner-alt')],
  ['nested-related.eml', 'BODY[1.2]', fx => between(fx, 'type="text/html"\r\n\r\n', '\r\n--inner-alt--')],
  ['nested-related.eml', 'BODY[1.2.1]', fx => partBody(fx, 'Content-Type: text/html', 'inner-rel')],
  ['nested-related.eml', 'BODY[1.2.2]', fx => partBody(fx, 'image/png', 'inner-rel')],
  ['nested-related.eml', 'BODY[1.2.2.MIME]', fx => mimeHeader(fx, '--inner-rel\r\n', offsetOf(fx, 'NESTED-HTML'))],
  ['nested-related.eml', 'BODY[2]', fx => partBody(fx, 'application/pdf', 'outer')],
  ['nested-related.eml', 'BODY[1.3]', () => null],
  ['nested-related.eml', 'BODY[1.2.3]', () => null],
  ['nested-related.eml', 'BODY[3]', () => null],
  // message/rfc822: 2 is the whole encapsulated message; HEADER/TEXT/2.n address its inside.
  ['rfc822-attachment.eml', 'BODY[2]', fx => partBody(fx, 'message/rfc822', 'fwd')],
  ['rfc822-attachment.eml', 'BODY[2.MIME]', fx => mimeHeader(fx, '--fwd\r\n', offsetOf(fx, 'forwarded message'))],
  [
    'rfc822-attachment.eml',
    'BODY[2.HEADER]',
    fx => {
      const start = offsetOf(fx, 'Message-ID: <orig@')
      return slice(fx, start, offsetOf(fx, '\r\n\r\n', start) + 4)
    },
  ],
  ['rfc822-attachment.eml', 'BODY[2.TEXT]', fx => between(fx, 'boundary="inner"\r\n\r\n', '\r\n--fwd--')],
  ['rfc822-attachment.eml', 'BODY[2.1]', fx => partBody(fx, 'text/plain; charset=utf-8', 'inner')],
  ['rfc822-attachment.eml', 'BODY[2.2]', fx => partBody(fx, 'text/html', 'inner')],
  ['rfc822-attachment.eml', 'BODY[2.1.MIME]', fx => mimeHeader(fx, '--inner\r\n')],
  ['rfc822-attachment.eml', 'BODY[2.3]', () => null],
  [
    'rfc822-attachment.eml',
    'BODY[2.HEADER.FIELDS (subject FROM)]',
    () => bytesOf('From: Karl <karl@example.com>\r\nSubject: Original\r\n\r\n'),
  ],
  ['rfc822-attachment.eml', 'BODY[2.HEADER.FIELDS (X-None)]', () => bytesOf('\r\n')],
  // Dovecot's message: 2 is message/rfc822 around multipart/alternative.
  ['dovecot-bodystructure.eml', 'BODY[2.1]', () => bytesOf('<p>Hello world</p>\r\n')],
  ['dovecot-bodystructure.eml', 'BODY[2.2]', () => bytesOf('Hello another world\r\n')],
  ['dovecot-bodystructure.eml', 'BODY[1]', () => bytesOf('hello\r\n')],
  // A digest part is message/rfc822 by default; its HEADER and TEXT are the encapsulated ones.
  ['digest.eml', 'BODY[1.HEADER]', () => bytesOf('From: one@example.org\r\nSubject: First post\r\n\r\n')],
  ['digest.eml', 'BODY[1.TEXT]', () => bytesOf('DIGEST-ONE\r\n')],
  ['digest.eml', 'BODY[2.1]', () => bytesOf('DIGEST-TWO\r\n')],
  ['digest.eml', 'BODY[1.MIME]', () => bytesOf('\r\n')],
  // HEADER.FIELDS keeps folding and order; .NOT returns everything else.
  [
    'long-folded-header.eml',
    'BODY[HEADER.FIELDS (SUBJECT date)]',
    fx => {
      const [s, e] = rangeBetween(fx, '\r\n', '\r\nReferences:', offsetOf(fx, 'person29@example.net'))
      const date = between(fx, '', '\r\n', offsetOf(fx, 'Date: '))
      return bytesOf(
        `${Buffer.from(slice(fx, s, e)).toString('latin1')}\r\n${Buffer.from(date).toString('latin1')}\r\n\r\n`,
      )
    },
  ],
  [
    'simple-text.eml',
    'BODY[HEADER.FIELDS.NOT (Return-Path Message-ID Date From To Subject)]',
    () =>
      bytesOf(
        'MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8; format=flowed\r\nContent-Transfer-Encoding: 7bit\r\n\r\n',
      ),
  ],
  ['simple-text.eml', 'BODY[HEADER.FIELDS (Subject)]<0.7>', () => bytesOf('Subject')],
  // LF-only storage: sections keep the stored line ends, and the added empty line matches them.
  ['lf-only.eml', 'BODY[HEADER.FIELDS (Subject)]', () => bytesOf('Subject: LF line ends\n\n')],
  ['lf-only.eml', 'BODY[2]', () => bytesOf('<p>LF-HTML</p>\n')],
  ['lf-only.eml', 'BODY[1.MIME]', () => bytesOf('Content-Type: text/plain; charset=us-ascii\n\n')],
  // No empty line after the header: HEADER is everything, TEXT is empty; HEADER.FIELDS still ends
  // with an empty line and terminates a last field that had no line end.
  ['header-only.eml', 'BODY[HEADER]', fx => fx],
  ['header-only.eml', 'BODY[TEXT]', () => new Uint8Array(0)],
  ['header-only.eml', 'BODY[HEADER.FIELDS (Date)]', () => bytesOf('Date: Mon, 15 Jul 2024 00:00:00 +0000\r\n\r\n')],
  ['empty-body.eml', 'BODY[1]', () => new Uint8Array(0)],
  // No final boundary: the last part runs to the end of the message.
  ['broken-boundary.eml', 'BODY[2]', fx => slice(fx, offsetOf(fx, 'AAECAwQF'), fx.length)],
  // Prefix boundaries: "--=_ab" is body text, inner "--=_abc_inner" does not end the outer part.
  [
    'prefix-boundaries.eml',
    'BODY[1.1]',
    () => bytesOf("PREFIX-PLAIN\r\n--=_ab is body text: a boundary's prefix is not a boundary\r\n"),
  ],
  ['prefix-boundaries.eml', 'BODY[2]', () => bytesOf('PREFIX-LAST\r\n')],
  // 8-bit octets come back untouched.
  ['eight-bit.eml', 'BODY[TEXT]', fx => slice(fx, headerEnd(fx), fx.length)],
]

describe('BODY[section]<partial>', () => {
  test.each(rows)('%s %s', (fixture, item, expected) => {
    const fx = loadFixture(fixture)
    const got = body(fx, item)
    const want = expected(fx)
    if (want === null) expect(got).toBeNull()
    else expect(got === null ? null : Buffer.from(got).toString('latin1')).toBe(Buffer.from(want).toString('latin1'))
  })

  test('plain sections are views of the stored octets, not copies', () => {
    const fx = loadFixture('nested-related.eml')
    for (const item of ['BODY[]', 'BODY[1.2.1]', 'BODY[2.MIME]', 'BODY[TEXT]<3.9>']) {
      const got = body(fx, item)
      expect(got?.buffer).toBe(fx.buffer)
    }
  })

  test('HEADER followed by TEXT is the message, for every fixture', () => {
    for (const name of ['simple-text.eml', 'lf-only.eml', 'header-only.eml', 'empty-body.eml', 'eight-bit.eml']) {
      const fx = loadFixture(name)
      const header = body(fx, 'BODY[HEADER]') as Uint8Array
      const rest = body(fx, 'BODY[TEXT]') as Uint8Array
      expect(header.length + rest.length).toBe(fx.length)
      expect(Buffer.compare(Buffer.concat([header, rest]), Buffer.from(fx))).toBe(0)
    }
  })
})

/** What BINARY / BINARY.SIZE answer for `item`. */
function binary(fx: Uint8Array, item: string) {
  const attribute = fetchAttribute(item)
  const tree = analyzeMessage(fx).tree
  if (attribute.type === 'binary') return extractBinarySection(fx, tree, attribute.part, attribute.partial)
  if (attribute.type === 'binary-size') return binarySectionSize(fx, tree, attribute.part)
  throw new Error(`${item} is not a BINARY item`)
}

/** The content of blob.bin in multipart-mixed-attachments.eml, written independently of its base64. */
const BLOB = new Uint8Array([
  ...Array.from({ length: 256 }, (_, i) => i),
  0x89,
  0x50,
  0x4e,
  0x47,
  0x0d,
  0x0a,
  0x1a,
  0x0a,
  ...new Array(64).fill(0),
])

describe('BINARY[section]<partial> and BINARY.SIZE (RFC 3516)', () => {
  const mixed = loadFixture('multipart-mixed-attachments.eml')

  test.each<[string, Uint8Array]>([
    // quoted-printable: =XX, soft line breaks, an encoded trailing space.
    ['BINARY[1]', new TextEncoder().encode('MIXED-BODY café naïve, a soft break and trailing space \r\nlast line\r\n')],
    ['BINARY[2]', BLOB],
    ['BINARY.PEEK[2]<256.4>', new Uint8Array([0x89, 0x50, 0x4e, 0x47])],
    ['BINARY[3]', new Uint8Array(Buffer.from('id;name\r\n1;Andr\xe9\r\n2;==\r\n', 'latin1'))],
    ['BINARY[]', mixed],
    ['BINARY[2]<100000.1>', new Uint8Array(0)],
  ])('%s', (item, expected) => {
    const result = binary(mixed, item)
    expect(result.ok).toBe(true)
    if (result.ok && 'bytes' in result) expect(Buffer.compare(Buffer.from(result.bytes), Buffer.from(expected))).toBe(0)
  })

  test('BINARY.SIZE is the decoded size', () => {
    expect(binary(mixed, 'BINARY.SIZE[2]')).toEqual({ ok: true, size: BLOB.length })
    expect(binary(mixed, 'BINARY.SIZE[1]')).toEqual({
      ok: true,
      size: new TextEncoder().encode('MIXED-BODY café naïve, a soft break and trailing space \r\nlast line\r\n').length,
    })
    expect(binary(mixed, 'BINARY.SIZE[]')).toEqual({ ok: true, size: mixed.length })
  })

  test('an unknown Content-Transfer-Encoding is UNKNOWN-CTE (RFC 3516 §4.3)', () => {
    expect(binary(mixed, 'BINARY[4]')).toEqual({ ok: false, reason: 'unknown-cte', encoding: 'x-uuencode' })
    expect(binary(mixed, 'BINARY.SIZE[4]')).toEqual({ ok: false, reason: 'unknown-cte', encoding: 'x-uuencode' })
  })

  test('a part that does not exist', () => {
    expect(binary(mixed, 'BINARY[9]')).toEqual({ ok: false, reason: 'no-such-part' })
    expect(binary(mixed, 'BINARY[1.2]')).toEqual({ ok: false, reason: 'no-such-part' })
  })

  test('a single-part base64 message, and a multipart part returned as is', () => {
    const encoded = loadFixture('encoded-subject.eml')
    expect(binary(encoded, 'BINARY[1]')).toEqual({ ok: true, bytes: new TextEncoder().encode('Hello world\n') })
    const nested = loadFixture('nested-related.eml')
    const result = binary(nested, 'BINARY[1]')
    expect(result.ok && 'bytes' in result ? Buffer.from(result.bytes).toString('latin1') : null).toBe(
      Buffer.from(between(nested, 'boundary="inner-alt"\r\n\r\n', '\r\n--outer')).toString('latin1'),
    )
  })
})
