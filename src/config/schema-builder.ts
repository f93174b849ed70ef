// A small schema builder with the zod API subset the config schema uses (`z.object({...}).strict()`,
// `z.number().int().min(0)`, `.describe()`, `z.infer<...>`), written for this one job: importing zod
// and building ~120 chainable zod schemas costs ~12 MB of RSS (zod v4 gives every schema instance
// its own method closures) — a fifth of an idle server's budget (issue 3). The config schema is
// parsed once at start, so speed does not matter here; memory, clear messages and the ability to
// walk the schema (README reference, env names, flag coercion — ./schema-leaves.ts) do.
//
// Usage mirrors zod: `import * as z from './schema-builder.ts'`. Values are validated, not coerced
// (string → number coercion of scalar keys happens earlier, in ./coerce-value.ts), except where a
// schema says `z.coerce.number()` (list elements, which arrive from --set and env as strings).
import { isIPv4, isIPv6 } from 'node:net'

export type Path = (string | number)[]

/** One validation failure; `code`/`format` follow zod's names so messages read the same. */
export interface Issue {
  path: Path
  code: 'invalid_type' | 'too_small' | 'too_big' | 'invalid_format' | 'invalid_value' | 'unrecognized_keys'
  message: string
  /** For invalid_format: 'regex' (the schema's own message is the message) or 'url'. */
  format?: 'regex' | 'url' | 'ipv4' | 'ipv6'
}

export class SchemaError extends Error {
  constructor(readonly issues: Issue[]) {
    super(issues.map(i => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; '))
    this.name = 'SchemaError'
  }
}

export type SafeParseResult<T> = { success: true; data: T } | { success: false; error: SchemaError }

/** A check on a value that already has the right type; returns an issue or null. */
interface Check<T> {
  kind: 'min' | 'max' | 'int' | 'regex' | 'url' | 'ipv4' | 'ipv6' | 'min_length' | 'max_length'
  value?: number
  inclusive?: boolean
  regex?: RegExp
  run(value: T): Omit<Issue, 'path'> | null
}

export type SchemaKind =
  | 'string'
  | 'number'
  | 'boolean'
  | 'enum'
  | 'literal'
  | 'array'
  | 'object'
  | 'union'
  | 'optional'
  | 'default'

abstract class Schema<T> {
  /** Phantom type carrier for `infer`. */
  declare readonly _output: T
  abstract readonly kind: SchemaKind
  description: string | undefined
  protected checks: Check<T>[] = []

  /** The checks in declaration order (read by ./schema-leaves.ts). */
  get checkList(): readonly Check<T>[] {
    return this.checks
  }

  describe(text: string): this {
    const copy = this.clone()
    copy.description = text
    return copy
  }

  optional(): OptionalSchema<T> {
    return new OptionalSchema(this)
  }

  default(value: T): DefaultSchema<T> {
    return new DefaultSchema(this, value)
  }

  safeParse(value: unknown): SafeParseResult<T> {
    const issues: Issue[] = []
    const data = this.run(value, [], issues)
    return issues.length === 0 ? { success: true, data: data as T } : { success: false, error: new SchemaError(issues) }
  }

  parse(value: unknown): T {
    const result = this.safeParse(value)
    if (!result.success) throw result.error
    return result.data
  }

  /** Validate `value` at `path`, pushing issues; returns the (possibly defaulted) value. */
  run(value: unknown, path: Path, issues: Issue[]): unknown {
    if (!this.hasType(value)) {
      issues.push({ path, code: 'invalid_type', message: `expected ${this.kind}, got ${typeName(value)}` })
      return value
    }
    for (const check of this.checks) {
      const issue = check.run(value)
      if (issue) issues.push({ path, ...issue })
    }
    return this.runInner(value, path, issues)
  }

  protected abstract hasType(value: unknown): value is T
  protected runInner(value: T, _path: Path, _issues: Issue[]): unknown {
    return value
  }

  protected with(check: Check<T>): this {
    const copy = this.clone()
    copy.checks = [...this.checks, check]
    return copy
  }

  protected clone(): this {
    const copy = Object.create(Object.getPrototypeOf(this)) as this
    Object.assign(copy, this)
    return copy
  }
}

const typeName = (value: unknown): string => (value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value)

export class StringSchema extends Schema<string> {
  readonly kind = 'string'
  protected hasType(value: unknown): value is string {
    return typeof value === 'string'
  }
  min(length: number, message?: string): this {
    return this.with({
      kind: 'min_length',
      value: length,
      run: v =>
        v.length >= length ? null : { code: 'too_small', message: message ?? `at least ${length} characters` },
    })
  }
  max(length: number, message?: string): this {
    return this.with({
      kind: 'max_length',
      value: length,
      run: v => (v.length <= length ? null : { code: 'too_big', message: message ?? `at most ${length} characters` }),
    })
  }
  regex(regex: RegExp, message = `does not match ${regex}`): this {
    return this.with({
      kind: 'regex',
      regex,
      run: v => (regex.test(v) ? null : { code: 'invalid_format', format: 'regex', message }),
    })
  }
  url(): this {
    return this.with({
      kind: 'url',
      run: v => (isUrl(v) ? null : { code: 'invalid_format', format: 'url', message: 'expected a URL' }),
    })
  }
  ipv4(): this {
    return this.with({
      kind: 'ipv4',
      run: v => (isIPv4(v) ? null : { code: 'invalid_format', format: 'ipv4', message: 'expected an IPv4 address' }),
    })
  }
  ipv6(): this {
    return this.with({
      kind: 'ipv6',
      run: v => (isIPv6(v) ? null : { code: 'invalid_format', format: 'ipv6', message: 'expected an IPv6 address' }),
    })
  }
}

const isUrl = (value: string): boolean => {
  try {
    const url = new URL(value)
    return url.protocol === 'http:' || url.protocol === 'https:'
  } catch {
    return false
  }
}

export class NumberSchema extends Schema<number> {
  readonly kind = 'number'
  /** z.coerce.number(): a numeric string is read as its number before the checks. */
  constructor(readonly coerce = false) {
    super()
  }
  override run(value: unknown, path: Path, issues: Issue[]): unknown {
    const coerced = this.coerce && typeof value === 'string' && value.trim() !== '' ? Number(value) : value
    return super.run(coerced, path, issues)
  }
  protected hasType(value: unknown): value is number {
    return typeof value === 'number' && Number.isFinite(value)
  }
  int(): this {
    return this.with({
      kind: 'int',
      run: v => (Number.isSafeInteger(v) ? null : { code: 'invalid_type', message: 'expected an integer' }),
    })
  }
  min(value: number): this {
    return this.bound('min', value, true)
  }
  gte(value: number): this {
    return this.bound('min', value, true)
  }
  max(value: number): this {
    return this.bound('max', value, true)
  }
  lte(value: number): this {
    return this.bound('max', value, true)
  }
  positive(): this {
    return this.bound('min', 0, false)
  }
  nonnegative(): this {
    return this.bound('min', 0, true)
  }
  private bound(kind: 'min' | 'max', value: number, inclusive: boolean): this {
    const ok = (v: number) =>
      kind === 'min' ? (inclusive ? v >= value : v > value) : inclusive ? v <= value : v < value
    const word = kind === 'min' ? (inclusive ? 'at least' : 'greater than') : inclusive ? 'at most' : 'less than'
    return this.with({
      kind,
      value,
      inclusive,
      run: v => (ok(v) ? null : { code: kind === 'min' ? 'too_small' : 'too_big', message: `${word} ${value}` }),
    })
  }
}

export class BooleanSchema extends Schema<boolean> {
  readonly kind = 'boolean'
  protected hasType(value: unknown): value is boolean {
    return typeof value === 'boolean'
  }
}

export class EnumSchema<V extends string> extends Schema<V> {
  readonly kind = 'enum'
  constructor(readonly values: readonly V[]) {
    super()
  }
  protected hasType(value: unknown): value is V {
    return typeof value === 'string'
  }
  protected override runInner(value: V, path: Path, issues: Issue[]): unknown {
    if (!this.values.includes(value))
      issues.push({ path, code: 'invalid_value', message: `expected one of ${this.values.join(', ')}` })
    return value
  }
}

export class LiteralSchema<V extends string | number | boolean> extends Schema<V> {
  readonly kind = 'literal'
  constructor(readonly value: V) {
    super()
  }
  protected hasType(value: unknown): value is V {
    return typeof value === typeof this.value
  }
  protected override runInner(value: V, path: Path, issues: Issue[]): unknown {
    if (value !== this.value) issues.push({ path, code: 'invalid_value', message: `expected ${String(this.value)}` })
    return value
  }
}

export class ArraySchema<E extends AnySchema> extends Schema<Infer<E>[]> {
  readonly kind = 'array'
  constructor(readonly element: E) {
    super()
  }
  protected hasType(value: unknown): value is Infer<E>[] {
    return Array.isArray(value)
  }
  min(length: number): this {
    return this.with({
      kind: 'min_length',
      value: length,
      run: v => (v.length >= length ? null : { code: 'too_small', message: `at least ${length} entries` }),
    })
  }
  max(length: number): this {
    return this.with({
      kind: 'max_length',
      value: length,
      run: v => (v.length <= length ? null : { code: 'too_big', message: `at most ${length} entries` }),
    })
  }
  protected override runInner(value: Infer<E>[], path: Path, issues: Issue[]): unknown {
    return value.map((item, i) => this.element.run(item, [...path, i], issues))
  }
}

type Shape = Record<string, AnySchema>
type OptionalKeys<S extends Shape> = { [K in keyof S]: S[K] extends OptionalSchema<unknown> ? K : never }[keyof S]
type ObjectOutput<S extends Shape> = { [K in Exclude<keyof S, OptionalKeys<S>>]: Infer<S[K]> } & {
  [K in OptionalKeys<S>]?: Infer<S[K]>
}
type Flatten<T> = { [K in keyof T]: T[K] }

export class ObjectSchema<S extends Shape> extends Schema<Flatten<ObjectOutput<S>>> {
  readonly kind = 'object'
  private unknownKeys: 'strip' | 'strict' = 'strip'
  constructor(readonly shape: S) {
    super()
  }
  /** Unknown keys are errors (every config table is strict: a typo must not pass silently). */
  strict(): this {
    const copy = this.clone()
    copy.unknownKeys = 'strict'
    return copy
  }
  protected hasType(value: unknown): value is Flatten<ObjectOutput<S>> {
    return typeof value === 'object' && value !== null && !Array.isArray(value)
  }
  protected override runInner(value: Flatten<ObjectOutput<S>>, path: Path, issues: Issue[]): unknown {
    const input = value as Record<string, unknown>
    const out: Record<string, unknown> = {}
    for (const [key, schema] of Object.entries(this.shape)) {
      const result = schema.run(input[key], [...path, key], issues)
      if (result !== undefined) out[key] = result
    }
    if (this.unknownKeys === 'strict') {
      const unknown = Object.keys(input).filter(k => !(k in this.shape))
      if (unknown.length > 0)
        issues.push({ path, code: 'unrecognized_keys', message: `unknown key(s): ${unknown.join(', ')}` })
    }
    return out
  }
}

export class UnionSchema<O extends readonly AnySchema[]> extends Schema<Infer<O[number]>> {
  readonly kind = 'union'
  constructor(readonly options: O) {
    super()
  }
  protected hasType(_value: unknown): _value is Infer<O[number]> {
    return true
  }
  protected override runInner(value: Infer<O[number]>, path: Path, issues: Issue[]): unknown {
    // When every option fails, the last one's issues are reported: unions here read "'' or a real
    // value" (`z.union([z.literal(''), z.url()])`), and what the real value lacks is the useful message.
    let last: Issue[] = []
    for (const option of this.options) {
      const optionIssues: Issue[] = []
      const result = option.run(value, path, optionIssues)
      if (optionIssues.length === 0) return result
      last = optionIssues
    }
    issues.push(...last)
    return value
  }
}

export class OptionalSchema<T> extends Schema<T | undefined> {
  readonly kind = 'optional'
  constructor(readonly inner: Schema<T>) {
    super()
    this.description = inner.description
  }
  protected hasType(_value: unknown): _value is T | undefined {
    return true
  }
  protected override runInner(value: T | undefined, path: Path, issues: Issue[]): unknown {
    return value === undefined ? undefined : this.inner.run(value, path, issues)
  }
}

export class DefaultSchema<T> extends Schema<T> {
  readonly kind = 'default'
  constructor(
    readonly inner: Schema<T>,
    readonly defaultValue: T,
  ) {
    super()
    this.description = inner.description
  }
  protected hasType(_value: unknown): _value is T {
    return true
  }
  protected override runInner(value: T, path: Path, issues: Issue[]): unknown {
    return this.inner.run(value === undefined ? this.defaultValue : value, path, issues)
  }
}

// biome-ignore lint/suspicious/noExplicitAny: the schema of any type, as zod's ZodType
export type AnySchema = Schema<any>
type Infer<S> = S extends Schema<infer T> ? T : never

export type { Infer as infer, AnySchema as ZodType }

export const string = (): StringSchema => new StringSchema()
export const number = (): NumberSchema => new NumberSchema()
export const boolean = (): BooleanSchema => new BooleanSchema()
export const url = (): StringSchema => new StringSchema().url()
export const ipv4 = (): StringSchema => new StringSchema().ipv4()
export const ipv6 = (): StringSchema => new StringSchema().ipv6()
export const coerce = { number: (): NumberSchema => new NumberSchema(true) }
export const literal = <V extends string | number | boolean>(value: V): LiteralSchema<V> => new LiteralSchema(value)
export const array = <E extends AnySchema>(element: E): ArraySchema<E> => new ArraySchema(element)
export const object = <S extends Shape>(shape: S): ObjectSchema<S> => new ObjectSchema(shape)
export const union = <O extends readonly AnySchema[]>(options: O): UnionSchema<O> => new UnionSchema(options)
const enumOf = <const V extends string>(values: readonly V[]): EnumSchema<V> => new EnumSchema(values)
export { enumOf as enum }
