// RFC 8461 §3.3: the policy is fetched from https://mta-sts.<domain>/.well-known/mta-sts.txt over
// HTTPS with a valid certificate for that name, without following redirects; only a 200 with media
// type text/plain counts. Failures are classified with the RFC 8460 §4.3.2 result types.
import { type HttpsClientOptions, HttpsRequestError, httpsRequest } from './https-request.ts'
import { type StsPolicy, parseStsPolicy } from './parse-sts-policy.ts'

/** Policies are small; §3.3 lets senders bound the size (64 KiB is what other senders use). */
export const MAX_POLICY_BYTES = 64 * 1024

export type StsFetchFailureType = 'sts-policy-fetch-error' | 'sts-policy-invalid' | 'sts-webpki-invalid'

export type StsFetchResult =
  | { ok: true; policy: StsPolicy; text: string }
  | { ok: false; resultType: StsFetchFailureType; reason: string }

export const policyUrl = (domain: string) => new URL(`https://mta-sts.${domain}/.well-known/mta-sts.txt`)

export async function fetchStsPolicy(domain: string, http: HttpsClientOptions): Promise<StsFetchResult> {
  let response: Awaited<ReturnType<typeof httpsRequest>>
  try {
    response = await httpsRequest(
      { method: 'GET', url: policyUrl(domain) },
      { ...http, maxBodyBytes: MAX_POLICY_BYTES },
    )
  } catch (e) {
    if (e instanceof HttpsRequestError) {
      if (e.kind === 'tls') return { ok: false, resultType: 'sts-webpki-invalid', reason: e.message }
      if (e.kind === 'too-large') return { ok: false, resultType: 'sts-policy-invalid', reason: e.message }
      return { ok: false, resultType: 'sts-policy-fetch-error', reason: e.message }
    }
    throw e
  }
  if (response.status !== 200)
    return { ok: false, resultType: 'sts-policy-fetch-error', reason: `policy fetch answered HTTP ${response.status}` }
  const type = (response.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase()
  if (type !== 'text/plain')
    return {
      ok: false,
      resultType: 'sts-policy-invalid',
      reason: `policy media type is ${type || 'missing'}, not text/plain`,
    }
  const text = new TextDecoder('utf-8').decode(response.body)
  const parsed = parseStsPolicy(text)
  if (!parsed.ok) return { ok: false, resultType: 'sts-policy-invalid', reason: parsed.reason }
  return { ok: true, policy: parsed.policy, text }
}
