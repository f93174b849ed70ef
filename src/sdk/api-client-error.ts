// The error every SDK call throws for a non-2xx answer: the server's `{error:{code,message,details}}`
// with the HTTP status, so callers branch on `code` (`unknown_domain`, `insufficient_scope`, …).
export class MailServerApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message)
    this.name = 'MailServerApiError'
  }
}

/** Build the error from a failed response (the body may not be ours: a proxy's HTML page). */
export async function apiErrorFrom(response: Response): Promise<MailServerApiError> {
  const text = await response.text()
  try {
    const body = JSON.parse(text) as { error?: { code?: unknown; message?: unknown; details?: unknown } }
    if (body.error && typeof body.error.code === 'string' && typeof body.error.message === 'string') {
      return new MailServerApiError(response.status, body.error.code, body.error.message, body.error.details)
    }
  } catch {
    // not JSON: fall through
  }
  const snippet = text.length > 200 ? `${text.slice(0, 200)}…` : text
  return new MailServerApiError(
    response.status,
    'http_error',
    `HTTP ${response.status}: ${snippet || response.statusText}`,
  )
}
