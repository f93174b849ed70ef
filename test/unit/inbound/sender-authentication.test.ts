// SPF / DKIM / DMARC / ARC verdicts through mailauth and our resolver against a real DNS server on
// loopback (test/support/fake-dns.ts), including a 2048-bit DKIM key split over several TXT strings,
// and what the pipeline does with them: Authentication-Results, DMARC reject and quarantine.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import crypto from 'node:crypto'
import { dkimSign } from 'mailauth'
import { manualClock } from '../../../src/core/clock.ts'
import type { DnsZone } from '../../../src/security/dns/dns-zone.ts'
import { createResolver } from '../../../src/security/dns/resolver.ts'
import { verifyMessage } from '../../../src/security/mailauth/verify-message.ts'
import { INBOX } from '../../../src/storage/index.ts'
import { type FakeDns, startFakeDns } from '../../support/fake-dns.ts'
import {
  bytes,
  context,
  HOSTNAME,
  type InboundFixture,
  inboundFixture,
  mailFrom,
  text,
  transaction,
} from './inbound-fixture.ts'

const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 })
const dkimRecord = `v=DKIM1; k=rsa; p=${publicKey.export({ type: 'spki', format: 'der' }).toString('base64')}`
const chunks = (s: string) => s.match(/.{1,255}/g) ?? []

const GOOD_IP = '192.0.2.10'
const BAD_IP = '198.51.100.7'

const zone: DnsZone = {
  'sender.example': { TXT: [`v=spf1 ip4:${GOOD_IP} -all`] },
  's2048._domainkey.sender.example': { TXT: [chunks(dkimRecord)] },
  '_dmarc.sender.example': { TXT: ['v=DMARC1; p=reject'] },
  'soft.example': { TXT: [`v=spf1 ip4:${GOOD_IP} ~all`] },
  'quar.example': { TXT: [`v=spf1 ip4:${GOOD_IP} -all`] },
  '_dmarc.quar.example': { TXT: ['v=DMARC1; p=quarantine'] },
  'relaxed.example': { TXT: [`v=spf1 ip4:${GOOD_IP} -all`] },
  '_dmarc.relaxed.example': { TXT: ['v=DMARC1; p=none'] },
  'none.example': { A: ['192.0.2.200'] },
}

let dns: FakeDns
let f: InboundFixture
let bob: number

beforeAll(async () => {
  dns = await startFakeDns(zone)
  const resolver = createResolver({ servers: [dns.address], timeoutMs: 2000, clock: manualClock() })
  f = await inboundFixture({ resolver })
  await f.storage.domains.add('local.test')
  bob = await f.account('bob@local.test')
})
afterAll(async () => {
  f.cleanup()
  await dns.close()
})

const message = (from: string, subject = 'hello', extra = '') =>
  bytes(
    `From: Ann <${from}>\r\nTo: bob@local.test\r\nSubject: ${subject}\r\n${extra}` +
      `Date: Thu, 01 Jan 2026 00:00:00 +0000\r\nMessage-ID: <${subject}@x.example>\r\n\r\nHello Bob\r\n`,
  )

async function signed(body: Uint8Array, domain = 'sender.example'): Promise<Uint8Array> {
  // mailauth's index.d.ts declares top-level signing fields, but the code reads signatureData[] (notes §7).
  const options = {
    signatureData: [
      { signingDomain: domain, selector: 's2048', privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }) },
    ],
  } as unknown as Parameters<typeof dkimSign>[1]
  const { signatures } = await dkimSign(Buffer.from(body), options)
  expect(signatures).toContain('DKIM-Signature:')
  return new Uint8Array(Buffer.concat([Buffer.from(signatures), Buffer.from(body)]))
}

const verify = (msg: Uint8Array, ip: string, sender: string) =>
  verifyMessage(msg, { ip, helo: 'client.example.org', sender, authservId: HOSTNAME, resolver: f.resolver })

describe('verifyMessage verdicts', () => {
  test('the DKIM key is served as several strings of one TXT record', () => {
    expect(chunks(dkimRecord).length).toBeGreaterThan(1)
  })

  test('signed, allowed IP: spf=pass dkim=pass dmarc=pass', async () => {
    const v = await verify(await signed(message('ann@sender.example')), GOOD_IP, 'ann@sender.example')
    expect(v.spf).toEqual({ result: 'pass', domain: 'sender.example' })
    expect(v.dkim).toEqual([{ result: 'pass', domain: 'sender.example', selector: 's2048' }])
    expect(v.dmarc).toEqual({ result: 'pass', domain: 'sender.example', policy: 'reject' })
    expect(v.arc.result).toBe('none')
    expect(v.header.startsWith(`Authentication-Results: ${HOSTNAME};\r\n`)).toBe(true)
    const unfolded = v.header.replace(/\r\n(?=[ \t])/g, '')
    for (const part of ['dkim=pass', 'header.d=sender.example', 'spf=pass', 'smtp.mailfrom=', 'dmarc=pass', 'arc=none'])
      expect(unfolded).toContain(part)
    for (const line of v.header.split('\r\n')) expect(line.length).toBeLessThanOrEqual(998)
  })

  test('signed, other IP: spf=fail, dkim=pass, dmarc=pass through DKIM alignment', async () => {
    const v = await verify(await signed(message('ann@sender.example')), BAD_IP, 'ann@sender.example')
    expect(v.spf.result).toBe('fail')
    expect(v.dkim[0]?.result).toBe('pass')
    expect(v.dmarc?.result).toBe('pass')
  })

  test('unsigned, other IP: spf=fail, dkim=none, dmarc=fail under p=reject', async () => {
    const v = await verify(message('ann@sender.example'), BAD_IP, 'ann@sender.example')
    expect(v.spf.result).toBe('fail')
    expect(v.dkim).toEqual([{ result: 'none', domain: null, selector: null }])
    expect(v.dmarc).toEqual({ result: 'fail', domain: 'sender.example', policy: 'reject' })
  })

  test('a signed header changed in transit: dkim=fail', async () => {
    const good = text(await signed(message('ann@sender.example', 'original')))
    const tampered = bytes(good.replace('Subject: original', 'Subject: changed!'))
    const v = await verify(tampered, GOOD_IP, 'ann@sender.example')
    expect(v.dkim[0]?.result).toBe('fail')
  })

  test('a body changed in transit does not pass (mailauth reports neutral: body hash did not verify)', async () => {
    const tampered = bytes(text(await signed(message('ann@sender.example'))).replace('Hello Bob', 'Hello Eve'))
    const v = await verify(tampered, GOOD_IP, 'ann@sender.example')
    expect(['fail', 'neutral']).toContain(v.dkim[0]?.result ?? '')
    expect(v.dmarc?.result).toBe('pass') // SPF still aligns
  })

  test('~all: spf=softfail; no DMARC record: dmarc=none', async () => {
    const v = await verify(message('ann@soft.example'), BAD_IP, 'ann@soft.example')
    expect(v.spf.result).toBe('softfail')
    expect(v.dmarc).toMatchObject({ result: 'none', policy: null })
  })

  test('no SPF record: spf=none', async () => {
    const v = await verify(message('ann@none.example'), GOOD_IP, 'ann@none.example')
    expect(v.spf.result).toBe('none')
  })

  test('null reverse-path: SPF checks the HELO identity', async () => {
    const v = await verifyMessage(message('ann@sender.example'), {
      ip: GOOD_IP,
      helo: 'sender.example',
      sender: '',
      authservId: HOSTNAME,
      resolver: f.resolver,
    })
    expect(v.spf.result).toBe('pass')
  })
})

describe('the pipeline acts on DMARC and writes Authentication-Results', () => {
  const anonymous = (ip: string) => context({ remoteAddress: ip, helo: 'client.example.org' })

  test('p=reject failure → 550 5.7.1 at end of DATA, nothing stored', async () => {
    const r = await transaction(
      f.pipeline,
      anonymous(BAD_IP),
      mailFrom('ann@sender.example'),
      ['bob@local.test'],
      message('ann@sender.example', 'spoof'),
    )
    expect(r.rcpt[0]?.code).toBe(250)
    expect(r.data?.reply).toMatchObject({ code: 550, enhanced: '5.7.1' })
    expect(r.data?.perRecipient.map(p => p.code)).toEqual([550])
    const inbox = await f.storage.mailboxes.get(bob, INBOX)
    const list = await f.storage.messages.list(inbox?.id ?? -1, { envelopes: true })
    expect(list.some(m => m.envelope?.subject === 'spoof')).toBe(false)
    expect(f.metrics.counter('smtp_rejections_total', '').get({ port: 'mx', reason: 'dmarc' })).toBe(1)
    expect(f.metrics.counter('smtp_auth_results_total', '').get({ method: 'dmarc', result: 'fail' })).toBeGreaterThan(0)
  })

  test('p=reject failure with dmarcReject off → Junk, flagged $Junk', async () => {
    const config = structuredClone(f.config)
    config.smtp.inbound.dmarcReject = false
    const pipeline = f.pipelineWith({}, { config })
    const r = await transaction(
      pipeline,
      anonymous(BAD_IP),
      mailFrom('ann@sender.example'),
      ['bob@local.test'],
      message('ann@sender.example', 'spoof-kept'),
    )
    expect(r.data?.reply.code).toBe(250)
    const junk = await f.storage.mailboxes.get(bob, 'Junk')
    const stored = (await f.storage.messages.list(junk?.id ?? -1, { envelopes: true })).find(
      m => m.envelope?.subject === 'spoof-kept',
    )
    expect(stored?.keywords).toContain('$Junk')
  })

  test('p=quarantine failure → Junk', async () => {
    const r = await transaction(
      f.pipeline,
      anonymous(BAD_IP),
      mailFrom('ann@quar.example'),
      ['bob@local.test'],
      message('ann@quar.example', 'quarantined'),
    )
    expect(r.data?.reply.code).toBe(250)
    const junk = await f.storage.mailboxes.get(bob, 'Junk')
    expect(
      (await f.storage.messages.list(junk?.id ?? -1, { envelopes: true })).some(
        m => m.envelope?.subject === 'quarantined',
      ),
    ).toBe(true)
    expect(f.metrics.counter('smtp_messages_delivered_total', '').get({ result: 'quarantined' })).toBeGreaterThan(0)
  })

  test('a passing message lands in INBOX with our Authentication-Results; a forged one claiming our id is removed', async () => {
    const forged = `Authentication-Results: ${HOSTNAME.toUpperCase()}; dkim=pass header.d=bank.example\r\n`
    const foreign = 'Authentication-Results: mx.other.example; spf=fail\r\n'
    const original = await signed(message('ann@sender.example', 'signed-ok', forged + foreign))
    const r = await transaction(
      f.pipeline,
      anonymous(GOOD_IP),
      mailFrom('ann@sender.example'),
      ['bob@local.test'],
      original,
    )
    expect(r.data?.reply.code).toBe(250)
    const inbox = await f.storage.mailboxes.get(bob, INBOX)
    const stored = (await f.storage.messages.list(inbox?.id ?? -1, { envelopes: true })).find(
      m => m.envelope?.subject === 'signed-ok',
    )
    const raw = text((await f.storage.messages.readBytes(inbox?.id ?? -1, stored?.uid ?? -1)) ?? new Uint8Array())
    const lines = raw.split('\r\n')
    expect(lines[0]).toBe('Return-Path: <ann@sender.example>')
    expect(lines[1]).toBe(`Authentication-Results: ${HOSTNAME};`)
    expect(raw.indexOf('Authentication-Results: mx.local.test;')).toBeLessThan(raw.indexOf('Received: from'))
    expect(raw).not.toContain(forged)
    expect(raw).toContain(foreign)
    const ours = raw.slice(0, raw.indexOf('Received: from')).replace(/\r\n(?=[ \t])/g, '')
    expect(ours).toContain('dkim=pass')
    expect(ours).toContain('dmarc=pass')
    // Everything from the first original field on is the received bytes minus the forged field.
    const originalText = text(original).replace(forged, '')
    expect(raw.endsWith(originalText)).toBe(true)
  })

  test('authenticated submissions are not verified and carry no Authentication-Results', async () => {
    await f.storage.domains.add('sender.example')
    const ann = await f.account('ann@sender.example')
    const before = dns.queries.filter(q => q.type === 'TXT').length
    const ctx = context({
      port: 'submission',
      remoteAddress: BAD_IP,
      auth: { accountId: ann, email: 'ann@sender.example' },
    })
    const r = await transaction(
      f.pipeline,
      ctx,
      mailFrom('ann@sender.example'),
      ['bob@local.test'],
      message('ann@sender.example', 'submitted'),
    )
    expect(r.data?.reply.code).toBe(250)
    expect(dns.queries.filter(q => q.type === 'TXT').length).toBe(before)
    const inbox = await f.storage.mailboxes.get(bob, INBOX)
    const stored = (await f.storage.messages.list(inbox?.id ?? -1, { envelopes: true })).find(
      m => m.envelope?.subject === 'submitted',
    )
    const raw = text((await f.storage.messages.readBytes(inbox?.id ?? -1, stored?.uid ?? -1)) ?? new Uint8Array())
    expect(raw).not.toContain('Authentication-Results')
    expect(raw.replace(/\r\n(?=[ \t])/g, '')).toContain('with ESMTPA id')
  })
})
