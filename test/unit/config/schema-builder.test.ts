// The config schema builder (src/config/schema-builder.ts): zod's API subset, validated against
// tables of good and bad values, including the issue path, code and wording the loader reports.
import { describe, expect, test } from 'bun:test'
import * as z from '../../../src/config/schema-builder.ts'

const port = z.number().int().min(0).max(65535)
const sample = z
  .object({
    name: z.string().min(1),
    port,
    ratio: z.number().positive(),
    mode: z.enum(['a', 'b']),
    list: z.array(z.string().regex(/^x/, 'must start with x')).min(1),
    retries: z.array(z.coerce.number().int().positive()),
    url: z.union([z.literal(''), z.url()]),
    v4: z.array(z.ipv4()),
    nested: z.object({ on: z.boolean() }).strict(),
    maybe: z.string().optional(),
  })
  .strict()

const good = {
  name: 'n',
  port: 25,
  ratio: 0.5,
  mode: 'a',
  list: ['xa'],
  retries: [60, '300'],
  url: '',
  v4: ['192.0.2.1'],
  nested: { on: true },
}

describe('schema builder', () => {
  test('a valid value parses, coerce.number reads numeric strings, optional keys may be absent', () => {
    const parsed = sample.parse(good)
    expect(parsed.retries).toEqual([60, 300])
    expect(parsed.maybe).toBeUndefined()
    expect(sample.parse({ ...good, url: 'https://example.com/hook', maybe: 'x' }).url).toBe('https://example.com/hook')
  })

  const bad: [string, Record<string, unknown>, string, z.Issue['code']][] = [
    ['empty string below min', { name: '' }, 'name', 'too_small'],
    ['port above max', { port: 70000 }, 'port', 'too_big'],
    ['port not an integer', { port: 2.5 }, 'port', 'invalid_type'],
    ['port as a string', { port: '25' }, 'port', 'invalid_type'],
    ['NaN is not a number', { port: Number.NaN }, 'port', 'invalid_type'],
    ['zero is not positive', { ratio: 0 }, 'ratio', 'too_small'],
    ['enum value outside the set', { mode: 'c' }, 'mode', 'invalid_value'],
    ['empty list below min', { list: [] }, 'list', 'too_small'],
    ['list element fails its regex', { list: ['xa', 'ya'] }, 'list.1', 'invalid_format'],
    ['coerced element not numeric', { retries: ['soon'] }, 'retries.0', 'invalid_type'],
    ['coerced element not positive', { retries: ['-5'] }, 'retries.0', 'too_small'],
    ['url that is not one', { url: 'not a url' }, 'url', 'invalid_format'],
    ['ftp is not an http(s) url', { url: 'ftp://example.com' }, 'url', 'invalid_format'],
    ['bad IPv4', { v4: ['300.1.1.1'] }, 'v4.0', 'invalid_format'],
    ['unknown key in a strict table', { nested: { on: true, typo: 1 } }, 'nested', 'unrecognized_keys'],
    ['missing required key', { name: undefined }, 'name', 'invalid_type'],
    ['table given as a scalar', { nested: 'yes' }, 'nested', 'invalid_type'],
    ['list given as a string', { list: 'xa' }, 'list', 'invalid_type'],
  ]
  for (const [name, patch, path, code] of bad) {
    test(`rejects: ${name}`, () => {
      const result = sample.safeParse({ ...good, ...patch })
      expect(result.success).toBe(false)
      if (result.success) return
      const issue = result.error.issues[0]
      expect(issue?.path.join('.')).toBe(path)
      expect(issue?.code).toBe(code)
    })
  }

  test('a regex failure carries the schema message; parse() throws a SchemaError naming the path', () => {
    const result = sample.safeParse({ ...good, list: ['nope'] })
    expect(result.success ? null : result.error.issues[0]?.message).toBe('must start with x')
    expect(() => sample.parse({ ...good, port: -1 })).toThrow(/port: at least 0/)
  })

  test('describe() copies: the original schema keeps no description, checks are not shared', () => {
    const base = z.number()
    const described = base.int().describe('d')
    expect(base.description).toBeUndefined()
    expect(described.description).toBe('d')
    expect(base.checkList.length).toBe(0)
    expect(described.checkList.map(c => c.kind)).toEqual(['int'])
  })

  test('default() fills a missing value before the checks', () => {
    const s = z.object({ n: z.number().min(1).default(5) })
    expect(s.parse({}).n).toBe(5)
    expect(s.safeParse({ n: 0 }).success).toBe(false)
  })
})
