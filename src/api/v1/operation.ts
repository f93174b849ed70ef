// One REST operation as data (wildduck's "command as data", STYLE.md): method, path, the scope a
// token needs and the zod schemas of its inputs and output. The same object validates requests
// (./register-operation.ts), describes the operation in the OpenAPI document (src/api/openapi/)
// and types the SDK (src/sdk/), so the three cannot drift apart. Contract files import nothing
// but zod and constants: the SDK loads them in clients.
import type { z } from 'zod'
import type { ApiTokenScope } from '../../auth/api-tokens.ts'

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete'

/** Error statuses an operation can answer besides the ones every authenticated operation has. */
export type ErrorStatus = 400 | 404 | 409 | 413 | 415 | 503

export interface OperationSpec {
  readonly operationId: string
  readonly method: HttpMethod
  /** OpenAPI path template below /api/v1, e.g. `/domains/{domain}`. */
  readonly path: string
  readonly tag: string
  readonly summary: string
  readonly description?: string
  /** Scope a bearer token needs; `public` needs no token. */
  readonly scope: ApiTokenScope | 'public'
  /** Path parameters (strings on the wire); one key per `{name}` in `path`. */
  readonly params?: z.ZodType<Record<string, unknown>, Record<string, string>>
  /** Query parameters (strings on the wire); strict, so unknown parameters are refused. */
  readonly query?: z.ZodType<Record<string, unknown>, Record<string, unknown>>
  /** JSON request body; strict, so unknown fields are refused. */
  readonly body?: z.ZodType<Record<string, unknown>>
  readonly status: 200 | 201 | 204
  /** The success body; absent for 204. */
  readonly response?: z.ZodType
  readonly errors: readonly ErrorStatus[]
}

export const defineOperation = <const O extends OperationSpec>(operation: O): O => operation

type Output<S> = S extends z.ZodType ? z.output<S> : Record<string, never>
/** Request parts an operation lacks add nothing to the SDK's input type (`unknown` is neutral in `&`). */
type RequestPart<S> = S extends z.ZodType ? z.input<S> : unknown
type QueryPart<S> = S extends z.ZodType ? Partial<z.output<S>> : unknown

/** What a handler receives: validated and transformed inputs. */
export interface OperationInput<O extends OperationSpec> {
  params: Output<O['params']>
  query: Output<O['query']>
  body: Output<O['body']>
}

/** What a handler returns: the response before its schema runs (dates may still be numbers, …). */
export type OperationResult<O extends OperationSpec> = O['response'] extends z.ZodType
  ? z.input<O['response']>
  : undefined

/**
 * What an SDK caller passes: path, query and body fields in one object (their names never clash).
 * Query fields take their parsed types (`limit: 50`, `force: true`); the SDK writes them as text.
 */
export type OperationRequest<O extends OperationSpec> = RequestPart<O['params']> &
  QueryPart<O['query']> &
  RequestPart<O['body']>

/** What an SDK caller gets back. */
export type OperationResponse<O extends OperationSpec> = O['response'] extends z.ZodType
  ? z.output<O['response']>
  : undefined
