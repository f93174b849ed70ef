// STARTTLS (RFC 3207) through the session: state reset after the handshake, commands pipelined
// behind STARTTLS dropped (CVE-2011-0411 class), where STARTTLS is refused; submission's AUTH-after-TLS
// flow; trap mode.
import { describe, expect, test } from 'bun:test'
import { MemoryPipeline } from './support/memory-pipeline.ts'
import { b64, mapVerifier, openSession } from './support/session-harness.ts'

const plain = (user: string, password: string) => b64(`\0${user}\0${password}`)

describe('STARTTLS', () => {
  test('220, handshake, then the session starts over (RFC 3207 §4.2)', async () => {
    const pipeline = new MemoryPipeline()
    const h = openSession({ pipeline })
    expect(await h.send('EHLO client.example')).toContain('250-STARTTLS')
    expect(await h.send('STARTTLS')).toBe('220 2.0.0 Ready to start TLS\r\n')
    expect(h.transport.secure).toBe(true)
    // EHLO was forgotten.
    expect(await h.send('MAIL FROM:<a@remote.test>')).toStartWith('503 5.5.1')
    const ehlo = await h.send('EHLO client.example')
    expect(ehlo).not.toContain('STARTTLS')
    expect(await h.send('MAIL FROM:<a@remote.test>')).toStartWith('250 ')
    expect(pipeline.contexts[0]?.tls).toEqual({ protocol: 'TLSv1.3', cipher: 'TLS_AES_128_GCM_SHA256' })
  })

  test('commands pipelined behind STARTTLS in the same segment are dropped, never answered', async () => {
    const pipeline = new MemoryPipeline()
    const h = openSession({ pipeline })
    await h.send('EHLO client.example')
    const out = await h.feed('STARTTLS\r\nMAIL FROM:<injected@evil.test>\r\nRCPT TO:<bob@example.test>\r\n')
    expect(out).toBe('220 2.0.0 Ready to start TLS\r\n')
    expect(h.transport.writesDuringTlsNegotiation).toHaveLength(0)
    expect(h.transport.secure).toBe(true)
    expect(pipeline.calls).toEqual([])
    await h.send('EHLO client.example')
    // No transaction was started by the injected MAIL.
    expect(await h.send('RCPT TO:<bob@example.test>')).toStartWith('503 5.5.1')
  })

  test('STARTTLS inside a mail transaction → 503; after RSET it works', async () => {
    const h = openSession()
    await h.send('EHLO client.example')
    await h.send('MAIL FROM:<a@remote.test>')
    // RFC 3207 leaves this open; refusing keeps a half transaction from crossing into TLS.
    expect(await h.send('STARTTLS')).toStartWith('503 5.5.1')
    await h.send('RSET')
    expect(await h.send('STARTTLS')).toStartWith('220 ')
  })

  test('STARTTLS twice, on implicit TLS, before EHLO → 503; not configured → 454', async () => {
    const h = openSession()
    expect(await h.send('STARTTLS')).toStartWith('503 5.5.1')
    await h.send('EHLO client.example')
    await h.send('STARTTLS')
    await h.send('EHLO client.example')
    expect(await h.send('STARTTLS')).toStartWith('503 5.5.1')

    const implicit = openSession({ port: 'submissions' })
    await implicit.send('EHLO client.example')
    expect(await implicit.send('STARTTLS')).toStartWith('503 5.5.1')

    const noCert = openSession({ settings: { startTls: false } })
    expect(await noCert.send('EHLO client.example')).not.toContain('STARTTLS')
    expect(await noCert.send('STARTTLS')).toStartWith('454 4.7.0')
  })

  test('the handshake fails to start: 454 after the 220, still plaintext, session usable', async () => {
    const h = openSession({ transport: { tlsAvailable: false } })
    await h.send('EHLO client.example')
    expect(await h.send('STARTTLS')).toBe('220 2.0.0 Ready to start TLS\r\n454 4.7.0 TLS not available\r\n')
    expect(h.transport.secure).toBe(false)
    expect(await h.send('NOOP')).toStartWith('250 ')
  })
})

describe('submission', () => {
  test('EHLO, STARTTLS, EHLO offers AUTH, AUTH, MAIL, RCPT, DATA', async () => {
    const pipeline = new MemoryPipeline()
    const h = openSession({ port: 'submission', pipeline, accounts: mapVerifier({ 'ann@example.test': 's3cret' }) })
    expect(await h.send('EHLO client.example')).not.toContain('AUTH')
    await h.send('STARTTLS')
    expect(await h.send('EHLO client.example')).toContain('250-AUTH PLAIN LOGIN')
    expect(await h.send('MAIL FROM:<ann@example.test>')).toStartWith('530 5.7.0 Authentication required')
    expect(await h.send(`AUTH PLAIN ${plain('ann@example.test', 's3cret')}`)).toStartWith('235 ')
    expect(await h.send('MAIL FROM:<ann@example.test>')).toStartWith('250 ')
    expect(await h.send('RCPT TO:<friend@elsewhere.test>')).toStartWith('250 ')
    await h.send('DATA')
    expect(await h.feed('Subject: out\r\n\r\nhello\r\n.\r\n')).toStartWith('250 ')
    expect(pipeline.deliveries[0]?.ctx).toMatchObject({
      port: 'submission',
      auth: { email: 'ann@example.test' },
      tls: { protocol: 'TLSv1.3' },
      trap: false,
    })
  })

  test('AUTH from before STARTTLS is forgotten after it (RFC 3207 §4.2)', async () => {
    const h = openSession({
      port: 'submission',
      settings: { allowInsecureAuth: true },
      accounts: mapVerifier({ 'ann@example.test': 's3cret' }),
    })
    await h.send('EHLO client.example')
    expect(await h.send(`AUTH PLAIN ${plain('ann@example.test', 's3cret')}`)).toStartWith('235 ')
    await h.send('STARTTLS')
    await h.send('EHLO client.example')
    expect(await h.send('MAIL FROM:<ann@example.test>')).toStartWith('530 ')
  })

  test('submissions (implicit TLS): AUTH offered at once, no STARTTLS', async () => {
    const h = openSession({ port: 'submissions', accounts: mapVerifier({ 'ann@example.test': 's3cret' }) })
    const ehlo = await h.send('EHLO client.example')
    expect(ehlo).toContain('AUTH PLAIN LOGIN')
    expect(ehlo).not.toContain('STARTTLS')
    expect(await h.send(`AUTH PLAIN ${plain('ann@example.test', 's3cret')}`)).toStartWith('235 ')
  })
})

describe('trap mode', () => {
  test.each(['mx', 'submission', 'submissions'] as const)(
    '%s: MAIL and RCPT without AUTH, ctx.trap set',
    async port => {
      const pipeline = new MemoryPipeline()
      const h = openSession({ port, pipeline, settings: { trap: true } })
      await h.send('EHLO client.example')
      expect(await h.send('MAIL FROM:<dev@app.local>')).toStartWith('250 ')
      expect(await h.send('RCPT TO:<anyone@anywhere.test>')).toStartWith('250 ')
      await h.send('DATA')
      expect(await h.feed('Subject: trapped\r\n\r\nx\r\n.\r\n')).toStartWith('250 ')
      expect(pipeline.deliveries[0]?.ctx.trap).toBe(true)
      expect(pipeline.deliveries[0]?.ctx.auth).toBeNull()
    },
  )

  test('without trap mode the same submission session is refused', async () => {
    const h = openSession({ port: 'submissions' })
    await h.send('EHLO client.example')
    expect(await h.send('MAIL FROM:<dev@app.local>')).toStartWith('530 ')
  })
})
