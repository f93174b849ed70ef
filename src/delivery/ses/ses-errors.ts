// SES API errors (SESv2 REST-JSON: the type in the X-Amzn-ErrorType header or the body's __type /
// code, the text in message) mapped to delivery outcomes: throttling and service trouble are retried
// (RFC 3463 4.x.x), a refused message is failed (5.x.x). Error names from the SESv2 API reference.

export interface SesErrorOutcome {
  status: 'deferred' | 'failed'
  enhancedStatus: string
  /** Drop cached credentials before the next attempt. */
  badCredentials: boolean
}

const THROTTLING = new Set([
  'TooManyRequestsException',
  'ThrottlingException',
  'Throttling',
  'LimitExceededException',
  'RequestLimitExceeded',
])
const CREDENTIALS = new Set([
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'SignatureDoesNotMatch',
  'ExpiredTokenException',
  'ExpiredToken',
  'InvalidClientTokenId',
  'IncompleteSignature',
  'MissingAuthenticationToken',
  'AccessDeniedException',
])
const PERMANENT: Record<string, string> = {
  // RFC 3463 X.7.1: delivery not authorized, message refused.
  MessageRejected: '5.7.1',
  MailFromDomainNotVerifiedException: '5.7.1',
  // X.6.0: other or undefined media error (a request SES cannot take as it is).
  BadRequestException: '5.6.0',
  InvalidParameterValue: '5.6.0',
}
const OPERATIONAL: Record<string, string> = {
  // The account cannot send right now; an operator can fix it, so the mail waits.
  AccountSuspendedException: '4.7.0',
  SendingPausedException: '4.7.0',
  // X.3.5: system incorrectly configured (e.g. a missing configuration set).
  NotFoundException: '4.3.5',
}

/** The error name without namespace or URL: "com.amazon#MessageRejected:http://…" → "MessageRejected". */
export function sesErrorName(header: string | null, body: unknown): string {
  const fromBody =
    body && typeof body === 'object'
      ? ((body as Record<string, unknown>).__type ??
        (body as Record<string, unknown>).code ??
        (body as Record<string, unknown>).Code)
      : undefined
  const raw = header || (typeof fromBody === 'string' ? fromBody : '')
  return raw.split(':')[0]?.split('#').pop()?.trim() ?? ''
}

export function mapSesError(httpStatus: number, name: string): SesErrorOutcome {
  if (httpStatus === 429 || THROTTLING.has(name))
    return { status: 'deferred', enhancedStatus: '4.4.5', badCredentials: false }
  if (CREDENTIALS.has(name) || httpStatus === 401 || httpStatus === 403)
    return { status: 'deferred', enhancedStatus: '4.7.0', badCredentials: true }
  const permanent = PERMANENT[name]
  if (permanent) return { status: 'failed', enhancedStatus: permanent, badCredentials: false }
  const operational = OPERATIONAL[name]
  if (operational) return { status: 'deferred', enhancedStatus: operational, badCredentials: false }
  if (httpStatus >= 500) return { status: 'deferred', enhancedStatus: '4.3.0', badCredentials: false }
  if (httpStatus === 400 || httpStatus === 413)
    return { status: 'failed', enhancedStatus: '5.6.0', badCredentials: false }
  return { status: 'deferred', enhancedStatus: '4.0.0', badCredentials: false }
}
