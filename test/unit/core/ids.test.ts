// newId: unique, URL-safe, and increasing within a process even inside one millisecond (rows are
// listed ORDER BY id as creation order).
import { expect, test } from 'bun:test'
import { newId } from '../../../src/core/ids.ts'

test('10,000 ids made in a tight loop are unique, strictly increasing and URL-safe', () => {
  const ids = Array.from({ length: 10_000 }, () => newId('q'))
  expect(new Set(ids).size).toBe(ids.length)
  for (let i = 1; i < ids.length; i++) expect((ids[i] as string) > (ids[i - 1] as string)).toBe(true)
  for (const id of ids) expect(id).toMatch(/^q[0-9a-z]+$/)
})

test('the prefix is kept and the length is the same for every id of one millisecond width', () => {
  const a = newId('tok_')
  const b = newId('tok_')
  expect(a.startsWith('tok_')).toBe(true)
  expect(a.length).toBe(b.length)
})
