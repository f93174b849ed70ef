// The MIME tree parser on its own: offsets, boundary rules (RFC 2046 §5.1.1), defaults (RFC 2045
// §5.2, RFC 2046 §5.1.5), degradation of malformed multiparts, limits, and the JSON cache.
import { describe, expect, test } from 'bun:test'
import {
  analyzeMessage,
  cachedEnvelopeText,
  decodeAnalysis,
  encodeAnalysis,
  findPart,
  parseMimeTree,
} from '../../../src/imap/message/index.ts'
import { MAX_NESTING } from '../../../src/imap/message/mime-tree.ts'
import { bytesOf, loadFixture, offsetOf, text } from './helpers/fixtures.ts'
import { offsetProblems, partsWithPaths } from './helpers/tree-walk.ts'

const crlf = (s: string) => bytesOf(s.replace(/\n/g, '\r\n'))
const shape = (message: Uint8Array) => {
  const describe = (p: ReturnType<typeof parseMimeTree>): unknown =>
    p.children !== undefined
      ? { [`${p.type}/${p.subtype}`]: p.children.map(describe) }
      : p.message !== undefined
        ? { [`${p.type}/${p.subtype}`]: describe(p.message) }
        : `${p.type}/${p.subtype}`
  return describe(parseMimeTree(message))
}
const bodyText = (message: Uint8Array, path: number[]) => {
  const part = findPart(parseMimeTree(message), path)
  return part === null ? null : text(message.subarray(part.bodyStart, part.end))
}

describe('structure', () => {
  test('CRLF and LF-only messages give the same structure and the same bodies', () => {
    const source =
      'Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\none\n--b\n\ntwo\n--b--\n'
    const lf = bytesOf(source)
    const withCrlf = crlf(source)
    expect(shape(lf)).toEqual(shape(withCrlf))
    expect(shape(lf)).toEqual({ 'multipart/mixed': ['text/plain', 'text/plain'] })
    expect(bodyText(lf, [1])).toBe('one')
    expect(bodyText(withCrlf, [1])).toBe('one')
    expect(bodyText(withCrlf, [2])).toBe('two')
  })

  test('preamble and epilogue belong to the multipart body, not to a part', () => {
    const m = crlf('Content-Type: multipart/mixed; boundary=b\n\npreamble\n--b\n\nA\n--b--\nepilogue\n')
    const root = parseMimeTree(m)
    expect(text(m.subarray(root.bodyStart, root.end))).toBe('preamble\r\n--b\r\n\r\nA\r\n--b--\r\nepilogue\r\n')
    expect(bodyText(m, [1])).toBe('A')
  })

  test('an empty part between two boundaries, and a part whose header runs into the next boundary', () => {
    const m = crlf(
      'Content-Type: multipart/mixed; boundary=b\n\n--b\n--b\nContent-Type: text/html\n--b\n\nlast\n--b--\n',
    )
    expect(shape(m)).toEqual({ 'multipart/mixed': ['text/plain', 'text/html', 'text/plain'] })
    expect(bodyText(m, [1])).toBe('')
    expect(bodyText(m, [2])).toBe('')
    expect(bodyText(m, [3])).toBe('last')
    const second = findPart(parseMimeTree(m), [2])
    expect(text(m.subarray(second?.start ?? 0, second?.bodyStart ?? 0))).toBe('Content-Type: text/html')
  })

  test('a nested multipart reusing the enclosing boundary: the innermost wins', () => {
    const m = crlf(
      'Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: multipart/alternative; boundary=b\n\n--b\n\ninner1\n--b\n\ninner2\n--b--\n--b\n\nouter2\n--b--\n',
    )
    expect(shape(m)).toEqual({
      'multipart/mixed': [{ 'multipart/alternative': ['text/plain', 'text/plain'] }, 'text/plain'],
    })
    expect(bodyText(m, [1, 2])).toBe('inner2')
    expect(bodyText(m, [2])).toBe('outer2')
  })

  test('an inner part without a close delimiter ends at the enclosing boundary', () => {
    const m = crlf(
      'Content-Type: multipart/mixed; boundary=outer\n\n--outer\nContent-Type: multipart/alternative; boundary=inner\n\n--inner\n\nunclosed\n--outer\n\nnext\n--outer--\n',
    )
    expect(shape(m)).toEqual({ 'multipart/mixed': [{ 'multipart/alternative': ['text/plain'] }, 'text/plain'] })
    expect(bodyText(m, [1, 1])).toBe('unclosed')
    expect(bodyText(m, [2])).toBe('next')
  })

  test('a close delimiter at the very end without a line end', () => {
    const m = crlf('Content-Type: multipart/mixed; boundary=b\n\n--b\n\nonly\n--b--')
    expect(bodyText(m, [1])).toBe('only')
    expect(parseMimeTree(m).end).toBe(m.length)
  })

  test('message/rfc822 inside message/rfc822 inside multipart', () => {
    const m = crlf(
      'Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: message/rfc822\n\nSubject: outer\nContent-Type: message/rfc822\n\nSubject: inner\n\ndeep\n--b--\n',
    )
    expect(shape(m)).toEqual({ 'multipart/mixed': [{ 'message/rfc822': { 'message/rfc822': 'text/plain' } }] })
    const paths = partsWithPaths(parseMimeTree(m)).map(p => p.path.join('.'))
    expect(paths).toEqual(['1', '1.1', '1.1.1'])
    expect(bodyText(m, [1, 1, 1])).toBe('deep')
    expect(parseMimeTree(m).children?.[0]?.message?.message?.envelope?.subject).toBe('inner')
  })

  test('message/global is an encapsulated message too (RFC 6532 §3.5)', () => {
    const m = crlf('Content-Type: message/global\n\nSubject: é\n\nx\n')
    expect(shape(m)).toEqual({ 'message/global': 'text/plain' })
  })

  test('line counts: LF-terminated lines of the body', () => {
    const root = parseMimeTree(crlf('Subject: x\n\na\nb\nc'))
    expect(root.lines).toBe(2)
    expect(parseMimeTree(crlf('Subject: x\n\n')).lines).toBe(0)
  })
})

describe('Content-Type defaults and degradation', () => {
  test.each<[string, string, unknown]>([
    ['no Content-Type', 'Subject: x\n\nbody\n', 'text/plain'],
    ['invalid Content-Type (no subtype)', 'Content-Type: text\n\nbody\n', 'text/plain'],
    ['invalid Content-Type (garbage)', 'Content-Type: ;;;\n\nbody\n', 'text/plain'],
    ['first Content-Type wins', 'Content-Type: text/html\nContent-Type: image/png\n\nbody\n', 'text/html'],
    [
      'comments (RFC 2045 §5.1 example)',
      'Content-Type: text/plain (Plain text); charset=us-ascii (cs)\n\nbody\n',
      'text/plain',
    ],
    ['multipart without boundary', 'Content-Type: multipart/mixed\n\n--x\n\nbody\n', 'text/plain'],
    ['multipart with an empty boundary', 'Content-Type: multipart/mixed; boundary=""\n\n--\n\nbody\n', 'text/plain'],
    ['boundary never appears', 'Content-Type: multipart/mixed; boundary=zz\n\n--b\n\nbody\n', 'text/plain'],
    ['only a close delimiter', 'Content-Type: multipart/mixed; boundary=b\n\n--b--\n', 'text/plain'],
    [
      'digest default',
      'Content-Type: multipart/digest; boundary=d\n\n--d\n\nSubject: s\n\nx\n--d--\n',
      { 'multipart/digest': [{ 'message/rfc822': 'text/plain' }] },
    ],
    [
      'digest part with its own type',
      'Content-Type: multipart/digest; boundary=d\n\n--d\nContent-Type: text/plain\n\nx\n--d--\n',
      { 'multipart/digest': ['text/plain'] },
    ],
    [
      'garbage lines in the header',
      'this is not a field\n  continuation\nContent-Type: text/html\n\nbody\n',
      'text/html',
    ],
  ])('%s', (_name, message, expected) => {
    const m = crlf(message)
    expect(shape(m)).toEqual(expected)
    expect(offsetProblems(parseMimeTree(m), m.length)).toEqual([])
  })

  test('a degraded multipart keeps its charset and counts its lines', () => {
    const m = crlf('Content-Type: multipart/mixed; charset=utf-8; boundary=zz\n\none\ntwo\n')
    const root = parseMimeTree(m)
    expect(root.params).toEqual([['charset', 'utf-8']])
    expect(root.lines).toBe(2)
  })
})

describe('limits', () => {
  test(`nesting deeper than ${MAX_NESTING} levels becomes an opaque leaf`, () => {
    const depth = MAX_NESTING + 50
    let message = ''
    for (let i = 0; i < depth; i++) message += `Content-Type: multipart/mixed; boundary=b${i}\n\n--b${i}\n`
    message += '\nleaf\n'
    const m = crlf(message)
    const root = parseMimeTree(m)
    let levels = 0
    for (let node = root; node.children?.[0] !== undefined; node = node.children[0]) levels++
    expect(levels).toBe(MAX_NESTING)
    expect(offsetProblems(root, m.length)).toEqual([])
  })

  test('message/rfc822 nested deeper than the limit does not exhaust the stack', () => {
    const m = crlf(`${'Content-Type: message/rfc822\n\n'.repeat(5000)}leaf\n`)
    const root = parseMimeTree(m)
    expect(offsetProblems(root, m.length)).toEqual([])
  })

  test('thousands of parts', () => {
    const count = 12_000
    const m = crlf(`Content-Type: multipart/mixed; boundary=b\n\n${'--b\n\nx\n'.repeat(count)}--b--\n`)
    const root = parseMimeTree(m)
    expect(root.children?.length).toBe(count)
    expect(offsetProblems(root, m.length)).toEqual([])
  })
})

describe('analysis cache', () => {
  test('round-trips through JSON for every fixture', () => {
    for (const name of ['nested-related.eml', 'rfc822-attachment.eml', 'rfc2231-filename.eml', 'eight-bit.eml']) {
      const analysis = analyzeMessage(loadFixture(name))
      expect(decodeAnalysis(encodeAnalysis(analysis))).toEqual(analysis)
    }
  })

  test('stores offsets, not content', () => {
    const fx = loadFixture('multipart-mixed-attachments.eml')
    const json = encodeAnalysis(analyzeMessage(fx))
    expect(json).not.toContain('iVBOR')
    expect(json).not.toContain(text(fx.subarray(offsetOf(fx, 'AAECAwQF'), offsetOf(fx, 'AAECAwQF') + 40)))
    // The column also carries the ENVELOPE text (from the header); the rest is offsets and names.
    expect(json.length - (cachedEnvelopeText(json) ?? '').length).toBeLessThan(fx.length)
  })

  test.each([null, undefined, '', 'not json', '42', '{"v":0,"size":1,"tree":{},"envelope":{}}', '{"v":1}'])(
    'an unusable cache value %p is re-analysed',
    value => {
      expect(decodeAnalysis(value)).toBeNull()
    },
  )

  test('RFC822.SIZE is the stored size', () => {
    for (const name of ['eight-bit.eml', 'lf-only.eml', 'header-only.eml']) {
      const fx = loadFixture(name)
      expect(analyzeMessage(fx).size).toBe(fx.length)
    }
  })
})
