// 1,000 generated and mutated messages (seeded, so a failure replays): random boundaries, some of
// them prefixes of each other, truncated parts, missing close delimiters, garbage headers, mixed
// line ends, random octets. The parser must never throw, every tree must keep its offset
// invariants, and every extracted section must lie inside the message.
import { describe, expect, test } from 'bun:test'
import {
  analyzeMessage,
  decodeAnalysis,
  encodeAnalysis,
  extractBinarySection,
  extractBodySection,
  formatBodyStructure,
  formatEnvelope,
  type MimePart,
} from '../../../src/imap/message/index.ts'
import type { BodySection } from '../../../src/imap/protocol/fetch-attributes.ts'
import { bytesOf, loadFixture } from './helpers/fixtures.ts'
import { offsetProblems, partsWithPaths } from './helpers/tree-walk.ts'

/** mulberry32: small, seedable, good enough to spread inputs. */
function prng(seed: number) {
  let a = seed >>> 0
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const int = (n: number) => Math.floor(next() * n)
  const pick = <T>(items: readonly T[]): T => items[int(items.length)] as T
  return { next, int, pick, chance: (p: number) => next() < p }
}
type Rng = ReturnType<typeof prng>

const LEAF_TYPES = [
  'text/plain; charset=utf-8',
  'text/html',
  'TEXT/PLAIN; CHARSET=US-ASCII',
  'application/octet-stream; name="a.bin"',
  "application/pdf; name*0*=utf-8''%E2%82%AC; name*1=x.pdf",
  'image/png',
  'text/plain; charset="iso-8859-1"; format=flowed',
  'message/delivery-status',
]
const ENCODINGS = ['7bit', '8bit', 'base64', 'quoted-printable', 'x-uuencode', 'BASE64', '?bad']
const GARBAGE_HEADERS = [
  'no colon here',
  ' leading continuation',
  ':',
  'X-Empty:',
  'Content-Type',
  'Content-Type: ;;;',
  '\t\t',
]

function randomBoundary(rng: Rng, parents: readonly string[]): string {
  const parent = parents.length > 0 ? rng.pick(parents) : null
  if (parent !== null && rng.chance(0.25)) return `${parent}${rng.pick(['x', '_inner', '--', ' '])}`.trim() || 'b'
  if (parent !== null && rng.chance(0.05)) return parent
  const chars = 'abcdefghijklmnopqrstuvwxyz0123456789=_-.+'
  let out = ''
  for (let i = 1 + rng.int(12); i > 0; i--) out += chars[rng.int(chars.length)]
  return out
}

function randomBody(rng: Rng): string {
  const lines: string[] = []
  for (let i = rng.int(5); i > 0; i--) {
    lines.push(rng.pick(['hello world', 'SGVsbG8gd29ybGQ=', 'caf=C3=A9 soft=', '--', '-- ', '=', 'é ü 日本', '']))
  }
  return lines.join('\n')
}

function randomEntity(rng: Rng, depth: number, boundaries: string[]): string {
  const headers: string[] = []
  if (rng.chance(0.3)) headers.push(rng.pick(GARBAGE_HEADERS))
  const kind = depth < 4 ? rng.int(10) : 9
  if (kind < 3) {
    const boundary = randomBoundary(rng, boundaries)
    headers.push(
      `Content-Type: multipart/${rng.pick(['mixed', 'alternative', 'related', 'digest'])}; boundary="${boundary}"`,
    )
    const inner = [...boundaries, boundary]
    let body = rng.chance(0.5) ? 'preamble\n' : ''
    for (let i = rng.int(4); i > 0; i--) {
      body += `--${boundary}${rng.chance(0.1) ? '  ' : ''}\n${randomEntity(rng, depth + 1, inner)}\n`
    }
    if (rng.chance(0.8)) body += `--${boundary}--\n`
    if (rng.chance(0.3)) body += 'epilogue\n'
    return `${headers.join('\n')}\n\n${body}`
  }
  if (kind < 5) {
    headers.push(`Content-Type: ${rng.pick(['message/rfc822', 'MESSAGE/RFC822', 'message/global'])}`)
    const inner = `From: a@b\nSubject: inner ${depth}\nTo: g: x@y;\n${randomEntity(rng, depth + 1, boundaries)}`
    return `${headers.join('\n')}\n\n${inner}`
  }
  if (kind < 8 || rng.chance(0.5)) headers.push(`Content-Type: ${rng.pick(LEAF_TYPES)}`)
  if (rng.chance(0.6)) headers.push(`Content-Transfer-Encoding: ${rng.pick(ENCODINGS)}`)
  if (rng.chance(0.3)) headers.push(`Content-Disposition: attachment; filename*=utf-8''%C3%A9${rng.int(100)}.txt`)
  if (rng.chance(0.1)) headers.push('Content-Language: en, de')
  // Sometimes no empty line after the header at all.
  return rng.chance(0.05) ? headers.join('\n') : `${headers.join('\n')}\n\n${randomBody(rng)}`
}

function lineEnds(rng: Rng, text: string): string {
  const mode = rng.int(3)
  if (mode === 0) return text.replace(/\n/g, '\r\n')
  if (mode === 1) return text
  return text.replace(/\n/g, () => (rng.chance(0.5) ? '\r\n' : '\n'))
}

function mutate(rng: Rng, bytes: Uint8Array): Uint8Array {
  const out = Array.from(bytes)
  for (let i = 1 + rng.int(8); i > 0; i--) {
    const at = rng.int(out.length + 1)
    switch (rng.int(5)) {
      case 0:
        out[at] = rng.int(256)
        break
      case 1:
        out.splice(
          at,
          0,
          ...Array.from(bytesOf(rng.pick(['\r\n', '\n\n', '--', '\r\n--', ';', '"', '(', '=?', '\r\n\r\n']))),
        )
        break
      case 2:
        out.splice(at, 1 + rng.int(20))
        break
      case 3:
        out.splice(at, 0, ...Array.from({ length: rng.int(10) }, () => rng.int(256)))
        break
      default:
        out.length = Math.min(out.length, at)
    }
  }
  return new Uint8Array(out)
}

const FIXTURES = [
  'nested-related.eml',
  'rfc822-attachment.eml',
  'rfc2231-filename.eml',
  'prefix-boundaries.eml',
  'dovecot-bodystructure.eml',
]

function generate(rng: Rng, i: number): Uint8Array {
  const mode = i % 4
  if (mode === 3) return mutate(rng, loadFixture(rng.pick(FIXTURES)))
  if (mode === 2) {
    const alphabet = bytesOf('-\r\n:;="()<>@, abc\t')
    return new Uint8Array(
      Array.from({ length: rng.int(400) }, () =>
        rng.chance(0.8) ? (alphabet[rng.int(alphabet.length)] as number) : rng.int(256),
      ),
    )
  }
  const message = `From: ${rng.pick(['a@b', 'Name <a@b>', '"broken <', 'g: ;', ''])}\nSubject: fuzz ${i}\n${randomEntity(rng, 0, [])}`
  const bytes = bytesOf(lineEnds(rng, message))
  // Truncate some messages anywhere.
  return mode === 1 && rng.chance(0.5) ? bytes.subarray(0, rng.int(bytes.length + 1)) : bytes
}

function insideMessage(message: Uint8Array, section: Uint8Array): boolean {
  return (
    section.buffer === message.buffer &&
    section.byteOffset >= message.byteOffset &&
    section.byteOffset + section.length <= message.byteOffset + message.length
  )
}

function check(message: Uint8Array): string[] {
  const problems: string[] = []
  const analysis = analyzeMessage(message)
  const tree: MimePart = analysis.tree
  problems.push(...offsetProblems(tree, message.length))
  if (analysis.size !== message.length) problems.push('size differs from the message length')
  if (JSON.stringify(decodeAnalysis(encodeAnalysis(analysis))) !== JSON.stringify(analysis))
    problems.push('cache round trip differs')
  for (const extended of [true, false]) {
    const structure = formatBodyStructure(tree, { extended })
    if (!structure.startsWith('(') || !structure.endsWith(')')) problems.push(`bad body structure ${structure}`)
  }
  formatEnvelope(analysis.envelope)

  const whole = extractBodySection(message, tree, { part: [], text: null })
  if (whole === null || whole.length !== message.length) problems.push('BODY[] is not the message')
  const header = extractBodySection(message, tree, { part: [], text: { type: 'header' } }) as Uint8Array
  const rest = extractBodySection(message, tree, { part: [], text: { type: 'text' } }) as Uint8Array
  if (header.length + rest.length !== message.length) problems.push('HEADER + TEXT is not the message')

  const paths = partsWithPaths(tree)
  for (const { path, part } of paths) {
    const sections: BodySection[] = [
      { part: path, text: null },
      { part: path, text: { type: 'mime' } },
      { part: path, text: { type: 'header' } },
      { part: path, text: { type: 'text' } },
    ]
    for (const section of sections) {
      const got = extractBodySection(message, tree, section, { offset: 1, length: 7 })
      const full = extractBodySection(message, tree, section)
      if (got === null || full === null) problems.push(`${path.join('.')} missing`)
      else if (!insideMessage(message, got) || !insideMessage(message, full))
        problems.push(`${path.join('.')} outside the message`)
    }
    const own = extractBodySection(message, tree, { part: path, text: null })
    if (own?.byteOffset !== message.byteOffset + part.bodyStart || own.length !== part.end - part.bodyStart) {
      problems.push(`BODY[${path.join('.')}] is not the part's body`)
    }
    const fields = extractBodySection(message, tree, {
      part: path,
      text: { type: 'header-fields', not: path.length % 2 === 0, fields: ['Content-Type', 'subject'] },
    })
    if (fields === null || fields[fields.length - 1] !== 0x0a)
      problems.push(`${path.join('.')} HEADER.FIELDS does not end a line`)
    const binary = extractBinarySection(message, tree, path)
    if (binary.ok && binary.bytes.length > part.end - part.bodyStart) problems.push(`${path.join('.')} BINARY grew`)
    if (!binary.ok && binary.reason !== 'unknown-cte') problems.push(`${path.join('.')} BINARY ${binary.reason}`)
  }
  const missing = [...(paths.at(-1)?.path ?? [1]), 99]
  if (extractBodySection(message, tree, { part: missing, text: null }) !== null)
    problems.push('a missing part was found')
  return problems
}

describe('fuzz: generated and mutated messages', () => {
  test('1,000 messages never throw, keep offsets consistent and sections inside the message', () => {
    const rng = prng(0x1ba9c0de)
    const failures: string[] = []
    let parts = 0
    let multiparts = 0
    for (let i = 0; i < 1000; i++) {
      const message = generate(rng, i)
      try {
        const problems = check(message)
        if (problems.length > 0) failures.push(`#${i}: ${problems.slice(0, 3).join('; ')}`)
        const tree = analyzeMessage(message).tree
        parts += partsWithPaths(tree).length
        if (tree.children !== undefined) multiparts++
      } catch (error) {
        failures.push(`#${i}: threw ${(error as Error).stack}`)
      }
      if (failures.length >= 5) break
    }
    expect(failures).toEqual([])
    // The generator really produces structure, not just single parts.
    expect(parts).toBeGreaterThan(1500)
    expect(multiparts).toBeGreaterThan(150)
  })

  test('parsing is deterministic', () => {
    const rng = prng(7)
    for (let i = 0; i < 50; i++) {
      const message = generate(rng, i)
      expect(analyzeMessage(message)).toEqual(analyzeMessage(message))
    }
  })
})
