// Amazon SES delivery against a local SESv2 stub that recomputes and checks the SigV4 signature,
// and an IMDSv2 stub for instance-role credentials.
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'bun:test'
import type { Config } from '../../../src/config/schema.ts'
import { type AwsKeys, type FakeImds, type FakeSes, startFakeImds, startFakeSes } from '../../support/fake-aws.ts'
import { type DeliveryFixture, makeAttempt, startDeliveryFixture } from './support/delivery-fixture.ts'

const REGION = 'eu-west-1'
const STATIC: AwsKeys = { accessKeyId: 'AKIDSTATICEXAMPLE', secretAccessKey: 'static/secret+key' }
const ROLE: AwsKeys = {
  accessKeyId: 'ASIAROLEEXAMPLE',
  secretAccessKey: 'role-secret',
  sessionToken: 'role-session-token',
}

let fx: DeliveryFixture
let ses: FakeSes
const imdsServers: FakeImds[] = []

beforeAll(async () => {
  fx = await startDeliveryFixture()
  ses = await startFakeSes(STATIC, REGION)
})
afterAll(async () => {
  await ses.close()
  await fx.close()
})
afterEach(async () => {
  ses.setResponse(undefined)
  ses.setKeys(STATIC)
  ses.requests.length = 0
  for (const s of imdsServers.splice(0)) await s.close()
})

const sesConfig = (change?: (s: Config['delivery']['ses']) => void) =>
  fx.config(c => {
    c.delivery.method = 'ses'
    c.delivery.ses = {
      ...c.delivery.ses,
      region: REGION,
      endpoint: ses.url,
      accessKeyId: STATIC.accessKeyId,
      secretAccessKey: STATIC.secretAccessKey,
      timeoutSeconds: 5,
    }
    change?.(c.delivery.ses)
  })

const awsError =
  (status: number, type: string, message: string, where: 'header' | 'body' = 'header') =>
  () =>
    where === 'header'
      ? Response.json(
          { message },
          { status, headers: { 'x-amzn-errortype': `${type}:http://internal.amazon.com/coral/com.amazon.sesv2/` } },
        )
      : Response.json({ __type: `com.amazonaws.sesv2#${type}`, message }, { status })

describe('SES SendEmail', () => {
  test('success: a correctly signed request carrying the raw message and the envelope recipients', async () => {
    const transport = fx.transport(sesConfig())
    expect(transport.name).toBe('ses')
    const attempt = makeAttempt(['bob@example.test', 'carol@example.test'])
    const results = await transport.deliver(attempt)
    expect(results.map(r => [r.status, r.code, r.remoteMta])).toEqual([
      ['delivered', 250, 'ses'],
      ['delivered', 250, 'ses'],
    ])
    expect(results[0]?.diagnostic).toContain('0100018f-fake-')
    expect(ses.requests).toHaveLength(1)
    expect(ses.requests[0]).toMatchObject({ signatureValid: true, reason: null })
    expect(ses.requests[0]?.body?.Destination?.ToAddresses).toEqual(['bob@example.test', 'carol@example.test'])
    expect(ses.requests[0]?.raw).toBe(new TextDecoder().decode(attempt.message))
  })

  test('the stub really checks the signature: a wrong secret is refused and the message deferred', async () => {
    const transport = fx.transport(sesConfig(s => (s.secretAccessKey = 'not-the-secret')))
    const [result] = await transport.deliver(makeAttempt(['bob@example.test']))
    expect(ses.requests[0]).toMatchObject({ signatureValid: false, reason: 'signature does not match' })
    expect(result).toMatchObject({ status: 'deferred', enhancedStatus: '4.7.0' })
    expect(result?.diagnostic).toContain('InvalidSignatureException')
  })

  test('the configuration set is passed on', async () => {
    await fx.transport(sesConfig(s => (s.configurationSet = 'outbound'))).deliver(makeAttempt(['bob@example.test']))
    expect(ses.requests[0]?.body?.ConfigurationSetName).toBe('outbound')
  })

  const cases: [string, () => Response, string, string][] = [
    [
      '429 TooManyRequestsException',
      awsError(429, 'TooManyRequestsException', 'Maximum sending rate exceeded.'),
      'deferred',
      '4.4.5',
    ],
    [
      '400 ThrottlingException (body __type)',
      awsError(400, 'ThrottlingException', 'Rate exceeded', 'body'),
      'deferred',
      '4.4.5',
    ],
    ['400 MessageRejected', awsError(400, 'MessageRejected', 'Email address is not verified.'), 'failed', '5.7.1'],
    [
      '400 MailFromDomainNotVerifiedException',
      awsError(400, 'MailFromDomainNotVerifiedException', 'no'),
      'failed',
      '5.7.1',
    ],
    ['400 SendingPausedException', awsError(400, 'SendingPausedException', 'paused'), 'deferred', '4.7.0'],
    ['500 InternalFailure', awsError(500, 'InternalFailure', 'oops'), 'deferred', '4.3.0'],
    ['503 without a body', () => new Response('', { status: 503 }), 'deferred', '4.3.0'],
  ]
  for (const [name, response, status, enhanced] of cases) {
    test(`${name} → ${status} ${enhanced}`, async () => {
      ses.setResponse(response)
      const [result] = await fx.transport(sesConfig()).deliver(makeAttempt(['bob@example.test']))
      expect(result).toMatchObject({ status, enhancedStatus: enhanced, remoteMta: 'ses' })
      expect(ses.requests[0]?.signatureValid).toBe(true)
    })
  }

  test('SES unreachable: deferred 4.4.1', async () => {
    const [result] = await fx
      .transport(sesConfig(s => (s.endpoint = 'http://127.0.0.1:9')))
      .deliver(makeAttempt(['bob@example.test']))
    expect(result).toMatchObject({ status: 'deferred', enhancedStatus: '4.4.1' })
  })
})

describe('instance role credentials (IMDSv2)', () => {
  test('fetched with a session token, used with x-amz-security-token, cached across messages', async () => {
    const imds = await startFakeImds('mail-server-role', ROLE)
    imdsServers.push(imds)
    ses.setKeys(ROLE)
    const transport = fx.transport(
      sesConfig(s => {
        s.accessKeyId = ''
        s.secretAccessKey = ''
        s.imdsEndpoint = imds.url
      }),
    )
    for (let i = 0; i < 2; i++)
      expect((await transport.deliver(makeAttempt(['bob@example.test'])))[0]?.status).toBe('delivered')
    expect(ses.requests.map(r => r.signatureValid)).toEqual([true, true])
    expect(imds.calls).toEqual([
      { method: 'PUT', path: '/latest/api/token', tokenValid: false },
      { method: 'GET', path: '/latest/meta-data/iam/security-credentials/', tokenValid: true },
      { method: 'GET', path: '/latest/meta-data/iam/security-credentials/mail-server-role', tokenValid: true },
    ])
  })

  test('credentials are fetched again when SES rejects them', async () => {
    const imds = await startFakeImds('role', ROLE)
    imdsServers.push(imds)
    ses.setKeys(STATIC) // the role's keys are not accepted (yet)
    const transport = fx.transport(
      sesConfig(s => {
        s.accessKeyId = ''
        s.secretAccessKey = ''
        s.imdsEndpoint = imds.url
      }),
    )
    expect((await transport.deliver(makeAttempt(['bob@example.test'])))[0]?.status).toBe('deferred')
    ses.setKeys(ROLE)
    expect((await transport.deliver(makeAttempt(['bob@example.test'])))[0]?.status).toBe('delivered')
    expect(imds.calls.filter(c => c.method === 'PUT')).toHaveLength(2)
  })

  test('no metadata service: deferred, nothing sent to SES', async () => {
    const transport = fx.transport(
      sesConfig(s => {
        s.accessKeyId = ''
        s.secretAccessKey = ''
        s.imdsEndpoint = 'http://127.0.0.1:9'
      }),
    )
    const [result] = await transport.deliver(makeAttempt(['bob@example.test']))
    expect(result).toMatchObject({ status: 'deferred', enhancedStatus: '4.3.5' })
    expect(ses.requests).toHaveLength(0)
  })
})
