// Turns one operation of the API contract into a typed function: path parameters go into the URL,
// query fields into the query string, the rest into the JSON body; the answer comes back parsed,
// or as a MailServerApiError. Each function carries its `operationId`, which the SDK test matches
// against the OpenAPI document.
import type { OperationRequest, OperationResponse, OperationSpec } from '../api/v1/operation.ts'
import { apiErrorFrom } from './api-client-error.ts'

export interface MailServerClientOptions {
  /** Server root (`https://mail.example.org`) or the API root (`…/api/v1`). */
  baseUrl: string
  /** An API token (`mail-server token create`); omit for public operations only. */
  token?: string
  /** Defaults to the global fetch. */
  fetch?: (input: Request) => Promise<Response>
  /** Extra headers on every request. */
  headers?: Record<string, string>
}

// biome-ignore lint/complexity/noBannedTypes: `{}` is the type with no required member
type HasRequired<T> = {} extends T ? false : true

/** A client method: its input is optional when the operation needs none. */
export type OperationMethod<O extends OperationSpec> = (HasRequired<OperationRequest<O>> extends true
  ? (input: OperationRequest<O>) => Promise<OperationResponse<O>>
  : (input?: OperationRequest<O>) => Promise<OperationResponse<O>>) & { readonly operationId: O['operationId'] }

const API_ROOT = '/api/v1'

/** Field names of an object schema (zod objects expose `.shape` at run time). */
const fieldsOf = (schema: unknown): string[] => {
  const shape = (schema as { shape?: Record<string, unknown> } | undefined)?.shape
  return shape ? Object.keys(shape) : []
}

export function apiRoot(baseUrl: string): string {
  const trimmed = baseUrl.replace(/\/+$/, '')
  return trimmed.endsWith(API_ROOT) ? trimmed : `${trimmed}${API_ROOT}`
}

export function operationCaller(options: MailServerClientOptions) {
  const root = apiRoot(options.baseUrl)
  const send = options.fetch ?? ((request: Request) => fetch(request))

  return <O extends OperationSpec>(operation: O): OperationMethod<O> => {
    const pathFields = new Set(fieldsOf(operation.params))
    const queryFields = new Set(fieldsOf(operation.query))
    const method = async (input: Record<string, unknown> = {}) => {
      const query = new URLSearchParams()
      const body: Record<string, unknown> = {}
      for (const [name, value] of Object.entries(input)) {
        if (value === undefined || pathFields.has(name)) continue
        if (queryFields.has(name)) query.set(name, String(value))
        else if (operation.body) body[name] = value
        else throw new TypeError(`${operation.operationId} has no field "${name}"`)
      }
      const path = operation.path.replace(/\{([A-Za-z0-9_]+)\}/g, (_, name: string) => {
        const value = input[name]
        if (value === undefined || value === null || value === '') {
          throw new TypeError(`${operation.operationId} needs "${name}"`)
        }
        return encodeURIComponent(String(value))
      })
      const search = query.size > 0 ? `?${query}` : ''
      const headers = new Headers(options.headers)
      headers.set('accept', 'application/json')
      if (options.token) headers.set('authorization', `Bearer ${options.token}`)
      let payload: string | undefined
      if (operation.body) {
        headers.set('content-type', 'application/json')
        payload = JSON.stringify(body)
      }
      const response = await send(
        new Request(`${root}${path}${search}`, { method: operation.method.toUpperCase(), headers, body: payload }),
      )
      if (!response.ok) throw await apiErrorFrom(response)
      if (response.status === 204) return undefined
      return response.json()
    }
    return Object.assign(method, { operationId: operation.operationId }) as unknown as OperationMethod<O>
  }
}
