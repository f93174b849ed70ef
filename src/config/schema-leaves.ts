// The leaves of the config schema (every settable key, as a dotted path), read from the schema
// itself so the environment names, flag coercion, error messages and the README reference can never
// drift from ./schema.ts.
import * as z from './schema-builder.ts'
import { configSchema } from './schema.ts'

export type LeafKind = 'string' | 'number' | 'boolean' | 'enum' | 'list'

export interface NumberBounds {
  integer: boolean
  min?: { value: number; inclusive: boolean }
  max?: { value: number; inclusive: boolean }
}

export interface ConfigLeaf {
  /** Dotted path, e.g. `smtp.mx.port`. */
  key: string
  kind: LeafKind
  description: string
  /** Allowed values of an enum leaf. */
  values?: readonly string[]
  /** Bounds of a number leaf (or of a list's elements). */
  bounds?: NumberBounds
  /** What a valid value looks like, for error messages: `an integer between 0 and 65535`. */
  expectation: string
  /** Same for one element of a list leaf. */
  elementExpectation?: string
  /** Short type label for the reference table: `integer 0–65535`. */
  typeLabel: string
}

// The builder's schema classes carry their kind, checks, shape, element and options directly.
const checksOf = (schema: z.ZodType) => schema.checkList

function numberBounds(schema: z.ZodType): NumberBounds {
  const bounds: NumberBounds = { integer: false }
  for (const check of checksOf(schema)) {
    if (check.kind === 'int') bounds.integer = true
    if (check.kind === 'min' && check.value !== undefined)
      bounds.min = { value: check.value, inclusive: check.inclusive ?? true }
    if (check.kind === 'max' && check.value !== undefined)
      bounds.max = { value: check.value, inclusive: check.inclusive ?? true }
  }
  return bounds
}

function describeNumber(b: NumberBounds): { expectation: string; label: string } {
  const noun = b.integer ? 'integer' : 'number'
  const article = b.integer ? 'an' : 'a'
  if (b.min && b.max && b.min.inclusive && b.max.inclusive)
    return {
      expectation: `${article} ${noun} between ${b.min.value} and ${b.max.value}`,
      label: `${noun} ${b.min.value}–${b.max.value}`,
    }
  if (b.min && b.min.value === 0 && !b.min.inclusive && !b.max)
    return { expectation: `a positive ${noun}`, label: `${noun} > 0` }
  if (b.min && !b.max)
    return b.min.inclusive
      ? { expectation: `${article} ${noun} of at least ${b.min.value}`, label: `${noun} ≥ ${b.min.value}` }
      : { expectation: `${article} ${noun} greater than ${b.min.value}`, label: `${noun} > ${b.min.value}` }
  return { expectation: `${article} ${noun}`, label: noun }
}

const isUrlSchema = (schema: z.ZodType): boolean => checksOf(schema).some(c => c.kind === 'url')

const minLength = (schema: z.ZodType): number => checksOf(schema).find(c => c.kind === 'min_length')?.value ?? 0

interface Scalar {
  kind: Exclude<LeafKind, 'list'>
  expectation: string
  label: string
  values?: readonly string[]
  bounds?: NumberBounds
}

function describeScalar(schema: z.ZodType): Scalar {
  switch (schema.kind) {
    case 'number': {
      const bounds = numberBounds(schema)
      const { expectation, label } = describeNumber(bounds)
      return { kind: 'number', expectation, label, bounds }
    }
    case 'boolean':
      return { kind: 'boolean', expectation: 'true or false', label: 'boolean' }
    case 'enum': {
      const values = (schema as z.EnumSchema<string>).values
      return {
        kind: 'enum',
        values,
        expectation: `one of ${values.map(v => `"${v}"`).join(', ')}`,
        label: values.map(v => `\`${v}\``).join(' | '),
      }
    }
    case 'union': {
      // The only union in the schema is `'' | url` (an optional URL).
      const isUrl = (schema as z.UnionSchema<z.ZodType[]>).options.some(o => isUrlSchema(o))
      if (isUrl) return { kind: 'string', expectation: 'a URL or an empty string', label: 'URL or empty' }
      return { kind: 'string', expectation: 'a string', label: 'string' }
    }
    case 'string': {
      const nonEmpty = minLength(schema) > 0
      if (isUrlSchema(schema)) return { kind: 'string', expectation: 'a URL', label: 'URL' }
      if (checksOf(schema).some(c => c.kind === 'ipv4'))
        return { kind: 'string', expectation: 'an IPv4 address', label: 'IPv4 address' }
      if (checksOf(schema).some(c => c.kind === 'ipv6'))
        return { kind: 'string', expectation: 'an IPv6 address', label: 'IPv6 address' }
      return {
        kind: 'string',
        expectation: nonEmpty ? 'a non-empty string' : 'a string',
        label: nonEmpty ? 'non-empty string' : 'string',
      }
    }
    case 'optional':
    case 'default':
      return describeScalar((schema as z.OptionalSchema<unknown>).inner)
    default:
      throw new Error(`config schema: unsupported schema kind ${schema.kind}`)
  }
}

function leafOf(key: string, schema: z.ZodType): ConfigLeaf {
  const description = schema.description ?? ''
  if (schema instanceof z.ArraySchema) {
    const element = describeScalar(schema.element)
    const isHostPort = checksOf(schema.element).some(c => c.kind === 'regex') && key === 'dns.servers'
    const elementLabel = isHostPort ? 'host[:port]' : element.label
    const nonEmpty = minLength(schema) > 0
    return {
      key,
      kind: 'list',
      description,
      values: element.values,
      bounds: element.bounds,
      expectation: `a ${nonEmpty ? 'non-empty ' : ''}comma-separated list of ${isHostPort ? 'host:port entries' : 'values'}`,
      elementExpectation: isHostPort ? 'host or host:port ([v6]:port for IPv6)' : element.expectation,
      typeLabel: `${nonEmpty ? 'non-empty ' : ''}list of ${elementLabel.replace(/^non-empty /, '')}`,
    }
  }
  const scalar = describeScalar(schema)
  return {
    key,
    kind: scalar.kind,
    description,
    values: scalar.values,
    bounds: scalar.bounds,
    expectation: scalar.expectation,
    typeLabel: scalar.label,
  }
}

function collect(schema: z.ZodType, prefix: string, out: ConfigLeaf[]): void {
  if (schema instanceof z.ObjectSchema) {
    for (const [name, child] of Object.entries(schema.shape as Record<string, z.ZodType>))
      collect(child, prefix ? `${prefix}.${name}` : name, out)
    return
  }
  out.push(leafOf(prefix, schema))
}

/** Every leaf of `schema` in declaration order. */
export function schemaLeaves(schema: z.ZodType): ConfigLeaf[] {
  const out: ConfigLeaf[] = []
  collect(schema, '', out)
  return out
}

/** The leaves of the one config schema, with lookups by key. */
export interface ConfigKeys {
  readonly leaves: readonly ConfigLeaf[]
  leaf(key: string): ConfigLeaf | undefined
  /** True for a key that names a table (`smtp`, `smtp.mx`), not a value. */
  isTable(key: string): boolean
}

export function describeConfigKeys(schema: z.ZodType = configSchema): ConfigKeys {
  const leaves = schemaLeaves(schema)
  const byKey = new Map(leaves.map(l => [l.key, l]))
  const tables = new Set<string>()
  for (const l of leaves) {
    const parts = l.key.split('.')
    for (let i = 1; i < parts.length; i++) tables.add(parts.slice(0, i).join('.'))
  }
  return { leaves, leaf: key => byKey.get(key), isTable: key => tables.has(key) }
}

/** The config schema's keys, computed once at import (the schema is a constant, not state). */
export const configKeys: ConfigKeys = describeConfigKeys()
