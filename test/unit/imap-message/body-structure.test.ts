// BODYSTRUCTURE / BODY of the fixture messages. Expectations are written from the RFC 9051 §9
// `body` grammar; sizes and line counts come from searching the fixture octets (helpers), not
// from the parser. Where an expectation is copied from elsewhere the row says so:
//   [dovecot]  Dovecot src/lib-imap/test-imap-bodystructure.c (testmsg_bodystructure/testmsg_body),
//              the same message stored with CRLF, so Dovecot's CRLF-normalised sizes apply as is.
//   [rfc3501]  RFC 3501 §7.4.2 FETCH example (BODY and ENVELOPE), rebuilt with the same sizes.
//   [rfc]      derived from the RFC grammar and RFC 2045/2046/2231 defaults by hand.
import { describe, expect, test } from 'bun:test'
import { analyzeMessage, bodyStructureValue, bodyValue, formatBodyStructure } from '../../../src/imap/message/index.ts'
import { serializeValues } from '../../../src/imap/protocol/serializer.ts'
import { between, loadFixture, offsetOf, sizeLines } from './helpers/fixtures.ts'

/** The body of the part whose header contains `marker`, up to the next `--boundary` line. */
function partBody(fx: Uint8Array, marker: string, boundary: string, eol = '\r\n', from = 0): Uint8Array {
  return between(fx, `${eol}${eol}`, `${eol}--${boundary}`, offsetOf(fx, marker, from))
}

/** The body of a single-part message: after the first empty line to the end. */
function messageBody(fx: Uint8Array): Uint8Array {
  return fx.subarray(offsetOf(fx, '\r\n\r\n') + 4)
}

const bodystructure = (name: string) => formatBodyStructure(analyzeMessage(loadFixture(name)).tree, { extended: true })
const body = (name: string) => formatBodyStructure(analyzeMessage(loadFixture(name)).tree, { extended: false })

type Row = [fixture: string, source: string, expected: (fx: Uint8Array) => string]

const rows: Row[] = [
  [
    'dovecot-bodystructure.eml',
    'dovecot',
    () =>
      '(("text" "x-myown" ("charset" "us-ascii" "foo" "quoted\\"string") "<foo@example.com>" "hellodescription" "7bit" 7 1 "Q2hlY2sgSW50ZWdyaXR5IQ==" ("inline" ("foo" "bar")) ("en" "fi" "se") "http://example.com/test.txt")' +
      '("message" "rfc822" NIL NIL NIL "7bit" 412 ("Sun, 12 Aug 2012 12:34:56 +0300" "submsg" ((NIL NIL "sub" "domain.org")) ((NIL NIL "sub" "domain.org")) ((NIL NIL "sub" "domain.org")) ((NIL NIL "sub-to1" "domain.org")(NIL NIL "sub-to2" "domain.org")) NIL NIL NIL NIL) ' +
      '(("text" "html" ("charset" "us-ascii") NIL NIL "8bit" 20 1 NIL NIL NIL NIL)("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 21 1 NIL NIL NIL NIL) "alternative" ("boundary" "sub1") NIL NIL NIL) 21 NIL NIL NIL NIL)' +
      ' "mixed" ("boundary" "foo bar") NIL NIL NIL)',
  ],
  [
    'simple-text.eml',
    'rfc',
    fx =>
      `("text" "plain" ("charset" "utf-8" "format" "flowed") NIL NIL "7bit" ${sizeLines(messageBody(fx))} NIL NIL NIL NIL)`,
  ],
  [
    // RFC 2045 §5.2: no Content-Type (and no MIME-Version) is text/plain; charset=us-ascii.
    'no-content-type.eml',
    'rfc',
    fx => `("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" ${sizeLines(messageBody(fx))} NIL NIL NIL NIL)`,
  ],
  [
    'multipart-alternative.eml',
    'rfc',
    fx =>
      `(("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" ${sizeLines(partBody(fx, 'text/plain', 'alt-boundary'))} NIL NIL NIL NIL)` +
      `("text" "html" ("charset" "us-ascii") NIL NIL "7bit" ${sizeLines(partBody(fx, 'text/html', 'alt-boundary'))} NIL NIL NIL NIL)` +
      ' "alternative" ("boundary" "alt-boundary") NIL NIL NIL)',
  ],
  [
    'multipart-mixed-attachments.eml',
    'rfc',
    fx =>
      `(("text" "plain" ("charset" "utf-8") NIL NIL "quoted-printable" ${sizeLines(partBody(fx, 'text/plain', 'mixed-b'))} NIL NIL NIL NIL)` +
      `("application" "octet-stream" ("name" "blob.bin") NIL NIL "base64" ${partBody(fx, 'octet-stream', 'mixed-b').length} NIL ("attachment" ("filename" "blob.bin" "size" "336")) NIL NIL)` +
      `("text" "csv" ("charset" "iso-8859-1" "name" "data.csv") NIL "Some =?iso-8859-1?q?donn=E9es?=" "Quoted-Printable" ${sizeLines(partBody(fx, 'text/csv', 'mixed-b'))} NIL ("attachment" ("filename" "data.csv")) NIL NIL)` +
      `("application" "x-uue" ("name" "old.uue") NIL NIL "x-uuencode" ${partBody(fx, 'x-uue', 'mixed-b').length} NIL NIL NIL NIL)` +
      ' "mixed" ("boundary" "mixed-b") NIL NIL NIL)',
  ],
  [
    'nested-related.eml',
    'rfc',
    fx =>
      `((("text" "plain" ("charset" "utf-8") NIL NIL "7bit" ${sizeLines(partBody(fx, 'text/plain', 'inner-alt'))} NIL NIL NIL NIL)` +
      `(("text" "html" ("charset" "utf-8") NIL NIL "7bit" ${sizeLines(partBody(fx, 'Content-Type: text/html', 'inner-rel'))} NIL NIL NIL NIL)` +
      `("image" "png" NIL "<logo@x>" NIL "base64" ${partBody(fx, 'image/png', 'inner-rel').length} NIL ("inline" NIL) NIL NIL)` +
      ' "related" ("boundary" "inner-rel" "type" "text/html") NIL NIL NIL)' +
      ' "alternative" ("boundary" "inner-alt") NIL NIL NIL)' +
      `("application" "pdf" ("name" "report.pdf") NIL NIL "base64" ${partBody(fx, 'application/pdf', 'outer').length} NIL ("attachment" ("filename" "report.pdf")) NIL NIL)` +
      ' "mixed" ("boundary" "outer") NIL NIL NIL)',
  ],
  [
    'rfc822-attachment.eml',
    'rfc',
    fx => {
      const inner = partBody(fx, 'message/rfc822', 'fwd')
      return (
        `(("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" ${sizeLines(partBody(fx, 'text/plain', 'fwd'))} NIL NIL NIL NIL)` +
        `("message" "rfc822" ("name" "original.eml") NIL NIL "7bit" ${inner.length} ` +
        '("Fri, 05 Jul 2024 09:00:00 -0700" "Original" (("Karl" NIL "karl" "example.com")) ((NIL NIL "list-bounces" "example.com")) ((NIL NIL "list" "example.com")) ((NIL NIL "ivan" "example.org")) (("Lee, Mary" NIL "mary" "example.com")) NIL "<parent@example.com>" "<orig@example.com>") ' +
        `(("text" "plain" ("charset" "utf-8") NIL NIL "7bit" ${sizeLines(partBody(fx, 'text/plain; charset=utf-8', 'inner'))} NIL NIL NIL NIL)` +
        `("text" "html" ("charset" "utf-8") NIL NIL "7bit" ${sizeLines(partBody(fx, 'text/html', 'inner'))} NIL NIL NIL NIL)` +
        ' "alternative" ("boundary" "inner") NIL NIL NIL) ' +
        `${inner.filter(b => b === 0x0a).length} NIL ("attachment" ("filename" "original.eml")) NIL NIL)` +
        ' "mixed" ("boundary" "fwd") NIL NIL NIL)'
      )
    },
  ],
  [
    // RFC 2231 §3/§4: continuations merged, charset decoded and re-encoded as an RFC 2047 word;
    // a plain value next to an extended one of the same name gives way; an unknown charset or a
    // gap in the section numbers leaves the parameters as sent (Dovecot's rule).
    'rfc2231-filename.eml',
    'rfc',
    fx =>
      `(("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" ${sizeLines(partBody(fx, 'text/plain\r\n', 'b2231'))} NIL NIL NIL NIL)` +
      `("application" "pdf" ("name" "=?utf-8?B?${Buffer.from('€ Rechnung Nr. 42.pdf').toString('base64')}?=") NIL NIL "base64" ${partBody(fx, 'application/pdf', 'b2231').length} NIL ("attachment" ("filename" "=?utf-8?B?${Buffer.from('€ Rechnung Nr. 42.pdf').toString('base64')}?=")) NIL NIL)` +
      `("text" "plain" ("charset" "us-ascii" "name" "long-name-in-two-pieces.txt") NIL NIL "7bit" ${sizeLines(partBody(fx, 'long-name-', 'b2231'))} NIL ("attachment" ("filename" "plain ascii.txt")) NIL NIL)` +
      `("application" "octet-stream" ("name*" "x-unknown-charset''%41%42") NIL NIL "7bit" ${partBody(fx, 'x-unknown-charset', 'b2231').length} NIL ("attachment" ("filename*0" "a" "filename*2" "c")) NIL NIL)` +
      ' "mixed" ("boundary" "b2231") NIL NIL NIL)',
  ],
  [
    'encoded-subject.eml',
    'rfc',
    fx => `("text" "plain" ("charset" "utf-8") NIL NIL "base64" ${sizeLines(messageBody(fx))} NIL NIL NIL NIL)`,
  ],
  [
    // Like Dovecot (non-strict mode), Content-Type counts without MIME-Version.
    'missing-mime-version.eml',
    'rfc',
    fx =>
      `(("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" ${sizeLines(partBody(fx, 'Content-Type: text/plain', 'simple'))} NIL NIL NIL NIL)` +
      `("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" ${sizeLines(partBody(fx, 'Content-Type: text/plain', 'simple', '\r\n', offsetOf(fx, 'NOVERSION-ONE')))} NIL NIL NIL NIL)` +
      ' "mixed" ("boundary" "simple") NIL NIL NIL)',
  ],
  [
    // RFC 2046 §5.1.1 asks for a close delimiter; without one the last part runs to the end.
    'broken-boundary.eml',
    'rfc',
    fx =>
      `(("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" ${sizeLines(partBody(fx, 'text/plain', 'never-closed'))} NIL NIL NIL NIL)` +
      `("application" "octet-stream" NIL NIL NIL "base64" ${fx.length - offsetOf(fx, 'AAECAwQF')} NIL NIL NIL NIL)` +
      ' "mixed" ("boundary" "never-closed") NIL NIL NIL)',
  ],
  [
    'lf-only.eml',
    'rfc',
    fx =>
      `(("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" ${sizeLines(partBody(fx, 'text/plain', 'lf', '\n'))} NIL NIL NIL NIL)` +
      `("text" "html" ("charset" "us-ascii") NIL NIL "7bit" ${sizeLines(partBody(fx, 'text/html', 'lf', '\n'))} NIL NIL NIL NIL)` +
      ' "alternative" ("boundary" "lf") NIL NIL NIL)',
  ],
  [
    'eight-bit.eml',
    'rfc',
    fx => `("text" "plain" ("charset" "utf-8") NIL NIL "8bit" ${sizeLines(messageBody(fx))} NIL NIL NIL NIL)`,
  ],
  ['empty-body.eml', 'dovecot', () => '("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 0 0 NIL NIL NIL NIL)'],
  ['header-only.eml', 'dovecot', () => '("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 0 0 NIL NIL NIL NIL)'],
  [
    'long-folded-header.eml',
    'rfc',
    fx =>
      `("text" "plain" ("charset" "utf-8" "format" "flowed") NIL NIL "7bit" ${sizeLines(messageBody(fx))} NIL NIL NIL NIL)`,
  ],
  [
    // Outer "=_abc" is a prefix of inner "=_abc_inner": the longest matching boundary wins
    // (Dovecot's rule); boundary lines may carry trailing whitespace (RFC 2046 §5.1.1 padding).
    'prefix-boundaries.eml',
    'rfc',
    fx =>
      `((("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" ${sizeLines(partBody(fx, 'Content-Type: text/plain', '=_abc_inner'))} NIL NIL NIL NIL)` +
      `("text" "html" ("charset" "us-ascii") NIL NIL "7bit" ${sizeLines(partBody(fx, 'text/html', '=_abc_inner--'))} NIL NIL NIL NIL)` +
      ' "alternative" ("boundary" "=_abc_inner") NIL NIL NIL)' +
      `("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" ${sizeLines(partBody(fx, 'Content-Type: text/plain', '=_abc--', '\r\n', offsetOf(fx, 'PREFIX-HTML')))} NIL NIL NIL NIL)` +
      ' "mixed" ("boundary" "=_abc") NIL NIL NIL)',
  ],
  [
    // RFC 2046 §5.1.5: in multipart/digest a part without Content-Type is message/rfc822.
    'digest.eml',
    'rfc',
    fx => {
      // Each part has an empty header, so its body starts right after "--dig" CRLF CRLF.
      const one = between(fx, '--dig\r\n\r\n', '\r\n--dig')
      const two = between(fx, '--dig\r\n\r\n', '\r\n--dig--', offsetOf(fx, 'DIGEST-ONE'))
      const lines = (b: Uint8Array) => b.filter(x => x === 0x0a).length
      return (
        `(("message" "rfc822" NIL NIL NIL "7bit" ${one.length} (NIL "First post" ((NIL NIL "one" "example.org")) ((NIL NIL "one" "example.org")) ((NIL NIL "one" "example.org")) NIL NIL NIL NIL NIL) ` +
        `("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" ${sizeLines(partBody(fx, 'First post', 'dig'))} NIL NIL NIL NIL) ${lines(one)} NIL NIL NIL NIL)` +
        `("message" "rfc822" NIL NIL NIL "7bit" ${two.length} (NIL "Second post" ((NIL NIL "two" "example.org")) ((NIL NIL "two" "example.org")) ((NIL NIL "two" "example.org")) NIL NIL NIL NIL NIL) ` +
        `("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" ${sizeLines(partBody(fx, 'Second post', 'dig'))} NIL NIL NIL NIL) ${lines(two)} NIL NIL NIL NIL)` +
        ' "digest" ("boundary" "dig") NIL NIL NIL)'
      )
    },
  ],
]

describe('BODYSTRUCTURE of fixture messages', () => {
  test.each(rows)('%s [%s]', (fixture, _source, expected) => {
    expect(bodystructure(fixture)).toBe(expected(loadFixture(fixture)))
  })
})

describe('BODY (non-extensible)', () => {
  test('[dovecot] testmsg_body', () => {
    expect(body('dovecot-bodystructure.eml')).toBe(
      '(("text" "x-myown" ("charset" "us-ascii" "foo" "quoted\\"string") "<foo@example.com>" "hellodescription" "7bit" 7 1)' +
        '("message" "rfc822" NIL NIL NIL "7bit" 412 ("Sun, 12 Aug 2012 12:34:56 +0300" "submsg" ((NIL NIL "sub" "domain.org")) ((NIL NIL "sub" "domain.org")) ((NIL NIL "sub" "domain.org")) ((NIL NIL "sub-to1" "domain.org")(NIL NIL "sub-to2" "domain.org")) NIL NIL NIL NIL) ' +
        '(("text" "html" ("charset" "us-ascii") NIL NIL "8bit" 20 1)("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 21 1) "alternative") 21) "mixed")',
    )
  })

  test('[rfc3501] §7.4.2 example, case as sent', () => {
    expect(body('rfc3501-example.eml')).toBe(
      '(("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 1152 23)("TEXT" "PLAIN" ("CHARSET" "US-ASCII" "NAME" "cc.diff") "<960723163407.20117h@cac.washington.edu>" "Compiler diff" "BASE64" 4554 73) "MIXED")',
    )
  })

  test('[rfc] simple text has no extension data', () => {
    const fx = loadFixture('simple-text.eml')
    expect(body('simple-text.eml')).toBe(
      `("text" "plain" ("charset" "utf-8" "format" "flowed") NIL NIL "7bit" ${sizeLines(messageBody(fx))})`,
    )
  })
})

describe('FETCH values', () => {
  test('8-bit parameter text goes out as a literal without UTF8=ACCEPT and quoted with it', () => {
    const message = new TextEncoder().encode(
      'Content-Type: application/pdf; name="Grüße.pdf"\r\nContent-Transfer-Encoding: base64\r\n\r\nAAAA\r\n',
    )
    const { tree } = analyzeMessage(message)
    const plain = new TextDecoder().decode(serializeValues([bodyStructureValue(tree)]))
    expect(plain).toBe('("application" "pdf" ("name" {11}\r\nGrüße.pdf) NIL NIL "base64" 6 NIL NIL NIL NIL)')
    const utf8 = new TextDecoder().decode(serializeValues([bodyStructureValue(tree, { utf8: true })]))
    expect(utf8).toBe('("application" "pdf" ("name" "Grüße.pdf") NIL NIL "base64" 6 NIL NIL NIL NIL)')
    expect(new TextDecoder().decode(serializeValues([bodyValue(tree, { utf8: true })]))).toBe(
      '("application" "pdf" ("name" "Grüße.pdf") NIL NIL "base64" 6)',
    )
  })
})
