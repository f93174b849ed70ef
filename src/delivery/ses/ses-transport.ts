// Amazon SES delivery (issue 7 §3, the seed's production mode): one SESv2 SendEmail call per
// attempt with the raw message (POST /v2/email/outbound-emails, Content.Raw.Data base64), signed
// with SigV4 by aws4fetch (service "ses"). The envelope recipients go in Destination so SES sends
// exactly to them; SES itself then talks SMTP to the recipients' MX hosts. aws4fetch's own retries
// are off: throttling becomes "deferred" and the queue's schedule retries.
import { AwsClient } from 'aws4fetch'
import type { Clock } from '../../core/clock.ts'
import type { Logger } from '../../core/logger.ts'
import { uniformResults } from '../smtp-client/recipient-results.ts'
import type { OutboundAttempt, OutboundTransport, RecipientResult } from '../transport/outbound-transport.ts'
import { type CredentialProvider, CredentialsError } from './aws-credentials.ts'
import { mapSesError, sesErrorName } from './ses-errors.ts'

export interface SesTransportOptions {
  region: string
  /** Empty: https://email.<region>.amazonaws.com */
  endpoint: string
  configurationSet: string
  credentials: CredentialProvider
  clock: Clock
  logger: Logger
  timeoutMs: number
  fetch?: typeof fetch
}

/** SESv2 raw messages may be up to 40 MB (SES quotas, "message size"). */
export const SES_MAX_MESSAGE_BYTES = 40 * 1024 * 1024

const REMOTE = 'ses'

/** SigV4 time format: YYYYMMDDTHHMMSSZ. */
const amzDate = (ms: number) => new Date(ms).toISOString().replace(/[-:]|\.\d{3}/g, '')

export function createSesTransport(options: SesTransportOptions): OutboundTransport {
  const logger = options.logger.child({ component: 'ses-transport' })
  const endpoint = (options.endpoint || `https://email.${options.region}.amazonaws.com`).replace(/\/+$/, '')
  const url = `${endpoint}/v2/email/outbound-emails`
  const doFetch = options.fetch ?? fetch

  async function deliver(attempt: OutboundAttempt): Promise<RecipientResult[]> {
    if (attempt.message.length > SES_MAX_MESSAGE_BYTES)
      return uniformResults(attempt, 'failed', {
        code: null,
        enhancedStatus: '5.3.4',
        diagnostic: `message of ${attempt.message.length} bytes exceeds the SES limit of ${SES_MAX_MESSAGE_BYTES}`,
        remoteMta: REMOTE,
      })
    let credentials: Awaited<ReturnType<CredentialProvider['get']>>
    try {
      credentials = await options.credentials.get()
    } catch (e) {
      const message = e instanceof CredentialsError ? e.message : `credentials: ${(e as Error).message}`
      logger.warn('no AWS credentials for SES', { error: message })
      return uniformResults(attempt, 'deferred', {
        code: null,
        enhancedStatus: '4.3.5',
        diagnostic: `no AWS credentials: ${message}`,
        remoteMta: REMOTE,
      })
    }
    const client = new AwsClient({
      accessKeyId: credentials.accessKeyId,
      secretAccessKey: credentials.secretAccessKey,
      ...(credentials.sessionToken ? { sessionToken: credentials.sessionToken } : {}),
      service: 'ses',
      region: options.region,
      retries: 0,
    })
    const body = JSON.stringify({
      Destination: { ToAddresses: attempt.recipients.map(r => r.address) },
      Content: { Raw: { Data: Buffer.from(attempt.message).toString('base64') } },
      ...(options.configurationSet ? { ConfigurationSetName: options.configurationSet } : {}),
    })
    let response: Response
    try {
      const signed = await client.sign(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        aws: { datetime: amzDate(options.clock.now()) },
      })
      response = await doFetch(signed, { signal: AbortSignal.timeout(options.timeoutMs) })
    } catch (e) {
      return uniformResults(attempt, 'deferred', {
        code: null,
        enhancedStatus: '4.4.1',
        diagnostic: `SES unreachable: ${(e as Error).message}`,
        remoteMta: REMOTE,
      })
    }
    const text = await response.text().catch(() => '')
    let json: unknown = null
    try {
      json = text ? JSON.parse(text) : null
    } catch {
      json = null
    }
    if (response.ok) {
      const messageId = (json as { MessageId?: string } | null)?.MessageId ?? 'unknown'
      return uniformResults(attempt, 'delivered', {
        code: 250,
        enhancedStatus: '2.0.0',
        diagnostic: `250 Ok ${messageId} (SES)`,
        remoteMta: REMOTE,
      })
    }
    const name = sesErrorName(response.headers.get('x-amzn-errortype'), json)
    const outcome = mapSesError(response.status, name)
    if (outcome.badCredentials) options.credentials.invalidate()
    const detail =
      (json as { message?: string; Message?: string } | null)?.message ??
      (json as { Message?: string } | null)?.Message ??
      text.slice(0, 200)
    logger.info('SES refused a message', { queueId: attempt.queueId, status: response.status, error: name })
    return uniformResults(attempt, outcome.status, {
      code: null,
      enhancedStatus: outcome.enhancedStatus,
      diagnostic: `SES ${response.status} ${name || 'error'}: ${detail}`.trim(),
      remoteMta: REMOTE,
    })
  }

  return { name: 'ses', deliver, close: async () => {} }
}
