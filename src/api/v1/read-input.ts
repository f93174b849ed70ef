// Request input for /api/v1: a JSON body, query parameters, path parameters, each checked against
// the operation's zod schema. Every failure is a 4xx with an error body naming what was wrong.
import type { z } from 'zod'
import { ApiError } from './api-error.ts'

export type InputPart = 'body' | 'query' | 'path'

export interface InputIssue {
  /** Where, e.g. `body.quotaBytes`, `query.limit`, `path.email`. */
  path: string
  message: string
  code: string
}

/** Parse with the schema or throw 400 `invalid_request` listing every issue. */
export function validateInput<S extends z.ZodType>(schema: S, value: unknown, part: InputPart): z.output<S> {
  const result = schema.safeParse(value)
  if (result.success) return result.data
  const issues: InputIssue[] = result.error.issues.flatMap((issue): InputIssue[] => {
    const at = [part, ...issue.path.map(String)]
    // Strict schemas: name each unknown field, so the client sees which one to drop.
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map(key => ({
        path: [...at, key].join('.'),
        message: part === 'body' ? 'unknown field' : 'unknown parameter',
        code: issue.code,
      }))
    }
    return [{ path: at.join('.'), message: issue.message, code: issue.code }]
  })
  const first = issues[0]
  const summary = first ? `${first.path}: ${first.message}` : `invalid ${part}`
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : ''
  throw new ApiError(400, 'invalid_request', `${summary}${more}`, { issues })
}

/** The JSON body. 415 unless the content type is JSON; 400 `invalid_json` when it does not parse. */
export async function readJsonBody(request: Request): Promise<unknown> {
  const type = (request.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? ''
  // RFC 8259 §11 application/json; RFC 6839 §3.1 structured +json suffixes.
  if (type !== 'application/json' && !type.endsWith('+json')) {
    throw new ApiError(
      415,
      'unsupported_media_type',
      type === '' ? 'send the body as JSON (Content-Type: application/json)' : `expected application/json, got ${type}`,
    )
  }
  const text = await request.text()
  if (text.trim() === '') throw new ApiError(400, 'invalid_json', 'the request body is empty; send a JSON object')
  try {
    return JSON.parse(text)
  } catch (e) {
    throw new ApiError(400, 'invalid_json', `the request body is not valid JSON: ${(e as Error).message}`)
  }
}

/** Query parameters as single values; a parameter given twice is refused rather than guessed at. */
export function singleQueryValues(url: string): Record<string, string> {
  const values: Record<string, string> = {}
  for (const [name, value] of new URL(url).searchParams) {
    if (Object.hasOwn(values, name)) {
      throw new ApiError(400, 'invalid_request', `query parameter "${name}" is given more than once`)
    }
    values[name] = value
  }
  return values
}
