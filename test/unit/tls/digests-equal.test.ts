// The constant-time secret comparison behind the metrics bearer token (src/security/digests-equal.ts).
import { expect, test } from 'bun:test'
import { digestsEqual } from '../../../src/security/digests-equal.ts'

test.each([
  ['s3cret', 's3cret', true],
  ['', '', true],
  ['s3cret', 's3creT', false],
  ['s3cret', 's3cret ', false],
  ['s3cret', '', false],
  ['prefix', 'prefix-and-more', false],
  ['ünïcode', 'ünïcode', true],
])('%p vs %p → %p', (a, b, equal) => {
  expect(digestsEqual(a, b)).toBe(equal)
  expect(digestsEqual(b, a)).toBe(equal)
})
