// The one place that turns anything thrown in /api/v1 into a status and an error body
// `{error:{code,message,details?}}` (DESIGN.md: HTTP errors go through one boundary). MailErrors
// carry their HTTP status and stable code (storage-errors.ts); the kind decides when they do not.
import { HTTPException } from 'hono/http-exception'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { type ErrorKind, MailError, isMailError } from '../../core/errors.ts'
import type { ErrorBody } from './contract/common.ts'

/** A MailError with optional details for the body (validation issues, required scope, …). */
export class ApiError extends MailError {
  constructor(
    readonly status: ContentfulStatusCode,
    code: string,
    message: string,
    readonly details?: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(status >= 500 ? 'internal' : 'user', message, { http: status, code })
    this.name = 'ApiError'
  }
}

const STATUS_BY_KIND: Record<ErrorKind, ContentfulStatusCode> = {
  syntax: 400,
  user: 400,
  temporary: 503,
  internal: 500,
}

const CODE_BY_STATUS: Partial<Record<number, string>> = {
  400: 'invalid_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  503: 'unavailable',
}

export interface ErrorResponse {
  status: ContentfulStatusCode
  body: ErrorBody
  headers: Record<string, string>
  /** Whether the error is ours (a bug or an outage) and belongs in the log with its stack. */
  serverFault: boolean
}

export function errorResponse(e: unknown): ErrorResponse {
  if (e instanceof ApiError) {
    return {
      status: e.status,
      body: { error: { code: e.codes.code ?? 'error', message: e.message, ...detailsOf(e.details) } },
      headers: e.headers,
      serverFault: e.status >= 500,
    }
  }
  if (isMailError(e)) {
    const status = (e.codes.http as ContentfulStatusCode | undefined) ?? STATUS_BY_KIND[e.kind]
    // Internal errors may carry paths or SQL in their message: those stay in the log.
    const message = e.kind === 'internal' ? 'internal server error' : e.message
    return {
      status,
      body: { error: { code: e.codes.code ?? (e.kind === 'internal' ? 'internal' : e.kind), message } },
      headers: {},
      serverFault: e.kind === 'internal' || e.kind === 'temporary',
    }
  }
  if (e instanceof HTTPException) {
    const status = e.status as ContentfulStatusCode
    const code = CODE_BY_STATUS[status] ?? (status >= 500 ? 'internal' : 'error')
    return { status, body: { error: { code, message: e.message || code } }, headers: {}, serverFault: status >= 500 }
  }
  return {
    status: 500,
    body: { error: { code: 'internal', message: 'internal server error' } },
    headers: {},
    serverFault: true,
  }
}

const detailsOf = (details: unknown) => (details === undefined ? {} : { details })
