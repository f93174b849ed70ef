// Small message files read synchronously: the index's size is only a hint (a file that is longer
// or shorter is read as it is), and a reused buffer hands out views that the next read overwrites.
import { afterAll, describe, expect, test } from 'bun:test'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ReusableReadBuffer, readSmallFile } from '../../../src/imap/session/read-small-file.ts'

const dir = mkdtempSync(join(tmpdir(), 'read-small-file-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function file(name: string, size: number, fill: number): { path: string; bytes: Uint8Array } {
  const bytes = new Uint8Array(size).map((_, i) => (fill + i) % 251)
  const path = join(dir, name)
  writeFileSync(path, bytes)
  return { path, bytes }
}

describe('readSmallFile', () => {
  test.each([
    ['the expected size', 4096, 4096],
    ['a file longer than expected', 10_000, 4096],
    ['a file much longer than expected', 300_000, 10],
    ['a file shorter than expected', 100, 4096],
    ['an empty file', 0, 4096],
    ['an expected size of zero', 5000, 0],
  ])('reads the whole file: %s', (_, size, expected) => {
    const { path, bytes } = file(`f-${size}-${expected}`, size, size)
    expect(readSmallFile(path, expected)).toEqual(bytes)
    expect(readSmallFile(path, expected, new ReusableReadBuffer())).toEqual(bytes)
  })

  test('a reused buffer is shared: each result is valid until the next read', () => {
    const reuse = new ReusableReadBuffer()
    const a = file('a', 3000, 1)
    const b = file('b', 2000, 2)
    const first = readSmallFile(a.path, 3000, reuse)
    expect(first).toEqual(a.bytes)
    const second = readSmallFile(b.path, 2000, reuse)
    expect(second).toEqual(b.bytes)
    expect(second.buffer).toBe(first.buffer)
    // A file bigger than the buffer grows it, and later reads use the bigger one.
    const big = file('big', 100_000, 3)
    expect(readSmallFile(big.path, 1000, reuse)).toEqual(big.bytes)
    expect(reuse.bytes.length).toBeGreaterThan(100_000)
  })

  test('a missing file throws (the caller falls back to storage)', () => {
    expect(() => readSmallFile(join(dir, 'missing'), 10)).toThrow()
  })
})
