// The whole server (startServer) with metrics, tracing and the Discord monitor switched on: real
// SMTP (nodemailer) and IMAP (imapflow) clients over loopback, /metrics scraped over real HTTP and
// parsed by a Prometheus text-format parser, spans received by a local OTLP collector stub, and the
// monitor posting to a local webhook stub configured through the seed's DISCORD_WEBHOOK_URL.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { ImapFlow } from 'imapflow'
import nodemailer from 'nodemailer'
import parsePrometheusTextFormat from 'parse-prometheus-text-format'
import { loadConfig } from '../../../src/config/load.ts'
import { silentLogger } from '../../../src/core/logger.ts'
import { type RunningServer, startServer } from '../../../src/core/server.ts'
import { freePortFlags } from '../../support/binary.ts'
import { type FakeDns, startFakeDns } from '../../support/fake-dns.ts'
import { startWebhookStub, type WebhookStub } from '../../unit/observability/discord/support/webhook-stub.ts'
import { attribute, type OtlpStub, startOtlpStub } from '../../unit/observability/tracing/support/otlp-stub.ts'

const PASSWORD = 'correct horse battery staple'
let dir: string
let dns: FakeDns
let otlp: OtlpStub
let discord: WebhookStub
let server: RunningServer
let ports: { mx: number; imaps: number; http: number }

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'observability-interop-'))
  dns = await startFakeDns({})
  otlp = startOtlpStub()
  discord = startWebhookStub()
  const set = freePortFlags.filter(f => f !== '--set')
  const { config } = loadConfig({
    flags: {
      set: [
        ...set,
        `dns.servers=${dns.address}`,
        'dns.timeoutMs=500',
        `tracing.endpoint=${otlp.url}`,
        'tracing.batchSize=1',
      ],
      'data-dir': dir,
      hostname: 'mx.local.test',
    },
    env: { DISCORD_WEBHOOK_URL: discord.url },
    cwd: dir,
    searchPaths: [],
  })
  server = await startServer(config, silentLogger)
  const port = (name: string) => server.mail.listeners().find(l => l.name === name)?.port ?? 0
  ports = { mx: port('smtp'), imaps: port('imaps'), http: server.http.ports()[0] ?? 0 }
  await server.deps.storage.domains.add('local.test')
  await server.deps.storage.accounts.create({ email: 'bob@local.test', password: PASSWORD })
}, 30_000)

afterAll(async () => {
  await server?.stop(2000)
  await Promise.all([dns?.close(), otlp?.stop(), discord?.stop()])
  fs.rmSync(dir, { recursive: true, force: true })
})

async function scrape() {
  const res = await fetch(`http://127.0.0.1:${ports.http}/metrics`)
  expect(res.status).toBe(200)
  return parsePrometheusTextFormat(await res.text())
}
type Families = Awaited<ReturnType<typeof scrape>>
const value = (families: Families, name: string, labels: Record<string, string> = {}) =>
  families
    .find(f => f.name === name)
    ?.metrics.filter(m => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v))
    .reduce((sum, m) => sum + Number(m.value ?? 0), 0) ?? 0

async function sendToMx(to: string[]) {
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port: ports.mx, secure: false, ignoreTLS: true })
  try {
    return await transport.sendMail({
      envelope: { from: 'sender@sender.example', to },
      raw: 'From: s@sender.example\r\nTo: bob@local.test\r\nSubject: metrics\r\nMessage-ID: <m1@sender.example>\r\n\r\nhello\r\n',
    })
  } finally {
    transport.close()
  }
}

describe('server observability end to end', () => {
  test('the monitor announced the start through DISCORD_WEBHOOK_URL', () => {
    expect(discord.delivered).toContain('Server Started')
  })

  test('/metrics values move when mail flows over SMTP', async () => {
    const before = await scrape()
    const info = await sendToMx(['bob@local.test'])
    expect(info.accepted).toEqual(['bob@local.test'])
    const refused = await sendToMx(['nobody@local.test']).then(
      () => null,
      (e: Error) => e,
    )
    expect(refused).toBeInstanceOf(Error)
    const after = await scrape()
    expect(value(after, 'smtp_connections_total') - value(before, 'smtp_connections_total')).toBe(2)
    expect(
      value(after, 'smtp_messages_total', { result: 'accepted' }) -
        value(before, 'smtp_messages_total', { result: 'accepted' }),
    ).toBe(1)
    expect(
      value(after, 'smtp_messages_delivered_total', { result: 'delivered' }) -
        value(before, 'smtp_messages_delivered_total', { result: 'delivered' }),
    ).toBe(1)
    expect(value(after, 'smtp_rejections_total') - value(before, 'smtp_rejections_total')).toBeGreaterThanOrEqual(1)
    expect(value(after, 'mail_database_up')).toBe(1)
    expect(value(after, 'mail_domains')).toBe(1)
    expect(value(after, 'mail_queue_depth')).toBe(0)
    expect(value(after, 'mail_disk_free_bytes')).toBeGreaterThan(0)
    expect(value(after, 'mail_tls_certificate_expiry_timestamp_seconds')).toBeGreaterThan(Date.now() / 1000)
    expect(after.find(f => f.name === 'mail_delivery_duration_seconds')?.type).toBe('HISTOGRAM')
  })

  test('IMAP sessions show in the connection gauge and failed logins in auth_failures_total', async () => {
    const before = await scrape()
    const bad = new ImapFlow({
      host: '127.0.0.1',
      port: ports.imaps,
      secure: true,
      auth: { user: 'bob@local.test', pass: 'wrong password' },
      tls: { rejectUnauthorized: false },
      logger: false,
    })
    await expect(bad.connect()).rejects.toThrow()
    const client = new ImapFlow({
      host: '127.0.0.1',
      port: ports.imaps,
      secure: true,
      auth: { user: 'bob@local.test', pass: PASSWORD },
      tls: { rejectUnauthorized: false },
      logger: false,
      disableAutoIdle: true,
    })
    await client.connect()
    await client.mailboxOpen('INBOX')
    const during = await scrape()
    await client.logout()
    expect(value(during, 'mail_active_connections', { protocol: 'imap' })).toBeGreaterThanOrEqual(1)
    expect(
      value(during, 'auth_failures_total', { protocol: 'imap' }) -
        value(before, 'auth_failures_total', { protocol: 'imap' }),
    ).toBe(1)
  })

  test('spans for the SMTP transaction and the IMAP commands reach the OTLP collector', async () => {
    await otlp.waitForSpans(1)
    const spans = await (async () => {
      // batchSize 1: every span is exported as it ends; wait until the IMAP SELECT span is in.
      for (;;) {
        const all = otlp.spans()
        if (all.some(s => s.name === 'IMAP SELECT')) return all
        await otlp.waitForSpans(all.length + 1)
      }
    })()
    const smtp = spans.filter(s => s.name === 'SMTP transaction')
    expect(smtp.map(s => attribute(s, 'smtp.result'))).toContain('accepted')
    const accepted = smtp.find(s => attribute(s, 'smtp.result') === 'accepted')
    expect(accepted?.kind).toBe(2)
    expect(attribute(accepted!, 'smtp.port')).toBe('mx')
    expect(attribute(accepted!, 'smtp.recipients_accepted')).toBe(1)
    const imap = spans.filter(s => s.name.startsWith('IMAP '))
    // imapflow logs in with AUTHENTICATE PLAIN (SASL-IR); the first attempt used a wrong password.
    expect(imap.map(s => s.name)).toEqual(expect.arrayContaining(['IMAP AUTHENTICATE', 'IMAP SELECT']))
    const logins = imap.filter(s => s.name === 'IMAP AUTHENTICATE')
    expect(logins.map(s => [attribute(s, 'imap.status'), s.status.code])).toEqual(
      expect.arrayContaining([
        ['NO', 2],
        ['OK', 1],
      ]),
    )
    const resource = otlp.requests[0]?.resourceSpans[0]?.resource.attributes
    expect(resource?.find(a => a.key === 'service.name')?.value).toEqual({ stringValue: 'mail-server' })
  })
})
