import { describe, expect, test } from 'bun:test'
import { profileDefaults } from '../../../../src/config/profile-defaults.ts'
import { formatBytes, formatDuration, webhookBody } from '../../../../src/observability/discord/discord-embed.ts'
import {
  checkCertificate,
  checkConnections,
  checkDatabase,
  checkDisk,
  checkQueue,
  type HealthThresholds,
} from '../../../../src/observability/discord/health-checks.ts'
import { type AlertLevel, IncidentTracker } from '../../../../src/observability/discord/incident-tracker.ts'

const { discordWebhookUrl: _, ...defaults } = profileDefaults('production').monitoring
const t = (over: Partial<HealthThresholds> = {}): HealthThresholds => ({ ...defaults, ...over })
const DAY = 86_400_000
const NOW = Date.UTC(2026, 0, 1)

describe('health checks (seed thresholds: 75/90 % connections, 14/7 days, 85/95 % disk)', () => {
  test.each([
    [0, 'ok'],
    [3749, 'ok'],
    [3750, 'warning'],
    [4499, 'warning'],
    [4500, 'critical'],
    [5000, 'critical'],
  ])('%p of 5000 connections → %p', (active, level) => {
    const r = checkConnections(active, 5000, t())
    expect(r.level).toBe(level as AlertLevel)
    if (level !== 'ok')
      expect(r.alert.title).toBe(level === 'critical' ? 'Connection Capacity Critical' : 'Connection Capacity Warning')
  })

  test('connections with maxConnections 0 never alert', () => {
    expect(checkConnections(10, 0, t()).level).toBe('ok')
  })

  test.each([
    [60, 'ok', null],
    [15, 'ok', null],
    [14, 'warning', 'TLS Certificate Expiry Warning'],
    [8, 'warning', 'TLS Certificate Expiry Warning'],
    [7, 'critical', 'TLS Certificate Expiring Soon!'],
    [0, 'critical', 'TLS Certificate Expiring Soon!'],
    [-3, 'critical', 'TLS Certificate Expiring Soon!'],
  ])('certificate with %p days left → %p', (days, level, title) => {
    const r = checkCertificate(
      { notAfter: new Date(NOW + days * DAY + 1000), subject: 'CN=x', source: '/c.pem' },
      NOW,
      t(),
    )
    expect(r.level).toBe(level as AlertLevel)
    if (title) expect(r.alert.title).toBe(title)
  })

  test.each([
    [10, 'ok'],
    [84.9, 'ok'],
    [85, 'warning'],
    [95, 'critical'],
    [100, 'critical'],
  ])('disk %p %% used → %p', (usedPercent, level) => {
    expect(checkDisk({ usedPercent, freeBytes: 1, totalBytes: 100 }, t()).level).toBe(level as AlertLevel)
  })

  test('a critical threshold set below the warning one still escalates at the warning line', () => {
    expect(
      checkDisk({ usedPercent: 90, freeBytes: 1, totalBytes: 100 }, t({ diskWarnPercent: 90, diskCriticalPercent: 50 }))
        .level,
    ).toBe('critical')
  })

  test.each([
    [0, false, 'ok'],
    [2, false, 'ok'],
    [3, false, 'critical'],
    [7, false, 'critical'],
  ])('%p consecutive database failures → %p', (consecutiveFailures, _x, level) => {
    const r = checkDatabase({ consecutiveFailures, lastError: 'SQLITE_IOERR' }, t())
    expect(r.level).toBe(level as AlertLevel)
    expect(r.alert.title).toBe('Database Unreachable')
    expect(r.resolved.title).toBe('Database Recovered')
  })

  test.each([
    [0, 0, 'ok'],
    [499, 3599, 'ok'],
    [500, 0, 'warning'],
    [1, 3600, 'warning'],
  ])('queue of %p messages, oldest %p s → %p', (depth, oldestAgeSeconds, level) => {
    const byState = { queued: depth, 'in-flight': 0, deferred: 0, delivered: 0, failed: 0 }
    expect(checkQueue({ depth, byState, oldestAgeSeconds }, t()).level).toBe(level as AlertLevel)
  })
})

describe('IncidentTracker', () => {
  test.each<[string, AlertLevel[], (string | null)[]]>([
    ['healthy stays silent', ['ok', 'ok'], [null, null]],
    ['once per incident', ['warning', 'warning', 'warning', 'ok'], ['opened', null, null, 'resolved']],
    [
      'escalation posts once more',
      ['warning', 'critical', 'critical', 'ok'],
      ['opened', 'escalated', null, 'resolved'],
    ],
    ['easing back to warning is silent', ['critical', 'warning', 'critical', 'ok'], ['opened', null, null, 'resolved']],
    ['a new incident after resolution', ['warning', 'ok', 'warning'], ['opened', 'resolved', 'opened']],
  ])('%s', (_name, levels, changes) => {
    const tracker = new IncidentTracker<'disk'>()
    expect(levels.map(l => tracker.update('disk', l))).toEqual(changes as never)
  })

  test('kinds are independent', () => {
    const tracker = new IncidentTracker<'disk' | 'queue'>()
    expect(tracker.update('disk', 'warning')).toBe('opened')
    expect(tracker.update('queue', 'warning')).toBe('opened')
    expect(tracker.update('disk', 'ok')).toBe('resolved')
    expect(tracker.openKinds()).toEqual(['queue'])
    expect(tracker.level('queue')).toBe('warning')
  })
})

describe('embeds', () => {
  test.each([
    [0, '0m'],
    [59, '0m'],
    [300, '5m'],
    [3661, '1h 1m'],
    [90_061, '1d 1h 1m'],
    [-5, '0m'],
  ])('formatDuration(%p) = %p', (s, text) => {
    expect(formatDuration(s)).toBe(text)
  })

  test.each([
    [0, '0 B'],
    [1023, '1023 B'],
    [1536, '1.5 KiB'],
    [5 * 2 ** 30, '5.0 GiB'],
  ])('formatBytes(%p) = %p', (b, text) => {
    expect(formatBytes(b)).toBe(text)
  })

  test('payload shape: colour numbers, inline fields, footer, timestamp; limits applied', () => {
    const at = new Date(Date.UTC(2026, 0, 2, 3, 4, 5))
    const body = webhookBody(
      {
        title: 'x'.repeat(300),
        description: 'd',
        color: 'red',
        fields: [
          { name: 'Empty', value: '' },
          { name: 'Wide', value: 'v', inline: false },
          ...Array.from({ length: 30 }, (_, i) => ({ name: `f${i}`, value: String(i) })),
        ],
      },
      'mail.example.org',
      at,
    )
    const embed = body.embeds[0]
    expect(embed?.title).toHaveLength(256)
    expect(embed?.color).toBe(0xe74c3c)
    expect(embed?.fields).toHaveLength(25)
    expect(embed?.fields?.[0]).toEqual({ name: 'Empty', value: '-', inline: true })
    expect(embed?.fields?.[1]?.inline).toBe(false)
    expect(embed?.footer).toEqual({ text: 'mail.example.org' })
    expect(embed?.timestamp).toBe('2026-01-02T03:04:05.000Z')
    expect(webhookBody({ title: 't', color: 'green' }, 'f', at).embeds[0]).not.toHaveProperty('fields')
  })
})
