// Failed AWS calls as MailErrors carrying AWS's error code (ValidationError, AccessDenied, …), so
// callers can branch on it and the CLI prints "cloudformation CreateStack: AccessDenied: …".
import { DOMParser } from '@xmldom/xmldom'
import { MailError } from '../core/errors.ts'

export class AwsApiError extends MailError {
  constructor(
    readonly service: string,
    readonly operation: string,
    readonly status: number,
    readonly awsCode: string,
    detail: string,
  ) {
    super(status >= 500 || status === 429 ? 'temporary' : 'user', `${service} ${operation}: ${awsCode}: ${detail}`, {
      code: 'aws_error',
    })
    this.name = 'AwsApiError'
  }
}

/** Code and message from an XML (<Error><Code>) or JSON ({__type, message}) error body. */
export function parseAwsErrorBody(body: string): { code: string; message: string } {
  const trimmed = body.trim()
  if (trimmed.startsWith('{')) {
    try {
      const j = JSON.parse(trimmed) as Record<string, unknown>
      const type = String(j.__type ?? j.code ?? j.Code ?? 'UnknownError')
      return { code: type.slice(type.lastIndexOf('#') + 1), message: String(j.message ?? j.Message ?? '') }
    } catch {
      // fall through to the raw text
    }
  }
  if (trimmed.startsWith('<')) {
    const doc = new DOMParser({ onError: () => {} }).parseFromString(trimmed, 'text/xml')
    const code = doc.getElementsByTagName('Code')[0]?.textContent
    const message = doc.getElementsByTagName('Message')[0]?.textContent
    if (code) return { code, message: message ?? '' }
  }
  return { code: 'UnknownError', message: trimmed.slice(0, 300) }
}

export async function throwIfFailed(service: string, operation: string, res: Response): Promise<Response> {
  if (res.ok) return res
  const { code, message } = parseAwsErrorBody(await res.text())
  throw new AwsApiError(service, operation, res.status, code, message || `HTTP ${res.status}`)
}
