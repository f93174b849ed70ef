// Pure pieces of the queue and DSN code, as tables: retry delays, NOTIFY decisions, domains of
// addresses, header fields, RFC 3464 delivery-status parsing (malformed input included), and a
// DSN built by buildDsn parsed back by parseDsn.
import { describe, expect, test } from 'bun:test'
import { authorDomain, messageIdOf } from '../../../src/delivery/dkim/author-domain.ts'
import { isValidSelector, newSelector } from '../../../src/delivery/dkim/dkim-selector.ts'
import { buildDsn, type DsnInput, headerSection } from '../../../src/delivery/dsn/build-dsn.ts'
import { wantsDsn } from '../../../src/delivery/dsn/dsn-notify.ts'
import { looksLikeDsn, parseDeliveryStatus, parseDsn } from '../../../src/delivery/dsn/parse-dsn.ts'
import { groupByDomain, recipientDomain } from '../../../src/delivery/queue/recipient-domain.ts'
import { retryDelayMs } from '../../../src/delivery/queue/retry-schedule.ts'

const enc = (s: string) => new TextEncoder().encode(s)

describe('retryDelayMs', () => {
  const policy = { scheduleSeconds: [60, 300, 900], jitter: 0 }
  test.each([
    [1, 60_000],
    [2, 300_000],
    [3, 900_000],
    [4, 900_000],
    [50, 900_000],
    [0, 60_000],
  ])('attempt %d waits %d ms', (attempts, ms) => {
    expect(retryDelayMs(attempts, policy)).toBe(ms)
  })
  test.each([
    [0, 54_000],
    [0.5, 60_000],
    [0.999_999, 66_000],
  ])('jitter 10%% with random %d → %d ms', (r, ms) => {
    expect(retryDelayMs(1, { scheduleSeconds: [60], jitter: 0.1 }, () => r)).toBeCloseTo(ms, -1)
  })
  test('an empty schedule is refused', () => {
    expect(() => retryDelayMs(1, { scheduleSeconds: [], jitter: 0 })).toThrow('empty')
  })
})

describe('wantsDsn (RFC 3461 §4.1)', () => {
  test.each([
    ['a@b', null, 'failure', true],
    ['a@b', null, 'delay', true],
    ['a@b', null, 'success', false],
    ['a@b', ['NEVER'], 'failure', false],
    ['a@b', ['SUCCESS'], 'success', true],
    ['a@b', ['SUCCESS'], 'failure', false],
    ['a@b', ['FAILURE', 'DELAY'], 'delay', true],
    ['a@b', ['FAILURE'], 'delay', false],
    ['', null, 'failure', false],
    ['', ['SUCCESS', 'FAILURE'], 'success', false],
  ] as const)('sender %p NOTIFY=%p %s → %p', (sender, notify, event, expected) => {
    expect(wantsDsn(sender, notify, event)).toBe(expected)
  })
})

describe('recipient domains', () => {
  test.each([
    ['bob@Example.ORG', 'example.org'],
    ['bob@bücher.de', 'xn--bcher-kva.de'],
    ['x@example.org.', 'example.org'],
    ['a@[192.0.2.1]', '[192.0.2.1]'],
    ['no-at-sign', ''],
    ['weird@@double.test', 'double.test'],
  ])('%s → %s', (address, domain) => {
    expect(recipientDomain(address)).toBe(domain)
  })
  test('grouping keeps first-seen order', () => {
    const groups = groupByDomain([{ address: 'a@x.test' }, { address: 'b@y.test' }, { address: 'c@X.test' }])
    expect([...groups].map(([d, items]) => [d, items.map(i => i.address)])).toEqual([
      ['x.test', ['a@x.test', 'c@X.test']],
      ['y.test', ['b@y.test']],
    ])
  })
})

describe('author domain and Message-ID', () => {
  test.each([
    ['From: Ann <ann@Example.org>\r\n\r\nbody', 'example.org'],
    ['From: ann@example.org\r\n\r\n', 'example.org'],
    ['From: "a@fake.test" <ann@real.test>\r\n\r\n', 'real.test'],
    ['Subject: x\r\nFrom:\r\n  Ann <ann@folded.test>\r\n\r\n', 'folded.test'],
    ['Subject: no from\r\n\r\nFrom: body@not.header\r\n', null],
    ['From: undisclosed\r\n\r\n', null],
    ['', null],
  ])('%p → %p', (text, domain) => {
    expect(authorDomain(enc(text))).toBe(domain)
  })
  test.each([
    ['Message-ID: <a@b>\r\n\r\n', '<a@b>'],
    ['message-id:\r\n <folded@id>\r\n\r\n', '<folded@id>'],
    ['Message-ID: no brackets\r\n\r\n', null],
    ['Subject: none\r\n\r\n', null],
  ])('%p → %p', (text, id) => {
    expect(messageIdOf(enc(text))).toBe(id)
  })
})

describe('DKIM selectors', () => {
  test('date-based, distinct per algorithm and per rotation on the same day', () => {
    const day = new Date(Date.UTC(2026, 0, 2))
    expect(newSelector('rsa-sha256', day, new Set())).toBe('s20260102r')
    expect(newSelector('ed25519-sha256', day, new Set())).toBe('s20260102e')
    expect(newSelector('rsa-sha256', day, new Set(['s20260102r', 's20260102r-2']))).toBe('s20260102r-3')
  })
  test.each([
    ['s20260102r', true],
    ['a.b-c', true],
    ['-bad', false],
    ['has space', false],
    ['', false],
  ])('%p valid: %p', (s, ok) => {
    expect(isValidSelector(s)).toBe(ok)
  })
})

describe('parseDeliveryStatus (RFC 3464 §2.1)', () => {
  test('per-message group, per-recipient groups, folded fields, case-insensitive names', () => {
    const groups = parseDeliveryStatus(
      'Reporting-MTA: dns; mx.example\r\nARRIVAL-DATE: Mon, 1 Jan 2026 00:00:00 +0000\r\n\r\n' +
        'Final-Recipient: rfc822; a@x\r\nAction: failed\r\nStatus: 5.1.1\r\nDiagnostic-Code: smtp; 550 5.1.1\r\n  user unknown\r\n\r\n\r\n' +
        'final-recipient: rfc822; b@x\r\naction: delayed\r\n',
    )
    expect(groups.map(g => Object.fromEntries(g))).toEqual([
      { 'reporting-mta': 'dns; mx.example', 'arrival-date': 'Mon, 1 Jan 2026 00:00:00 +0000' },
      {
        'final-recipient': 'rfc822; a@x',
        action: 'failed',
        status: '5.1.1',
        'diagnostic-code': 'smtp; 550 5.1.1 user unknown',
      },
      { 'final-recipient': 'rfc822; b@x', action: 'delayed' },
    ])
  })
  test.each([
    ['', []],
    ['\r\n\r\n', []],
    ['no colon here\r\n', []],
    [': value without name\r\n', []],
    ['  continuation first\r\nA: b\r\n', [{ a: 'b' }]],
  ])('malformed %p', (text, expected) => {
    expect(parseDeliveryStatus(text).map(g => Object.fromEntries(g))).toEqual(expected)
  })
})

const baseDsn = (over: Partial<DsnInput> = {}): DsnInput => ({
  reportingMta: 'mx.local.test',
  to: 'ann@local.test',
  envid: 'E-1',
  arrivalDate: new Date(Date.UTC(2026, 0, 2)),
  date: new Date(Date.UTC(2026, 0, 2, 1)),
  messageId: '<dsn-1@mx.local.test>',
  recipients: [
    {
      finalRecipient: 'bob@remote.test',
      originalRecipient: { addrType: 'rfc822', value: 'bob@remote.test' },
      action: 'failed',
      status: '5.1.1',
      remoteMta: 'mx.remote.test',
      diagnostic: { code: 550, text: '5.1.1 user\r\nInjected: header' },
      lastAttemptDate: new Date(Date.UTC(2026, 0, 2, 1)),
      willRetryUntil: null,
    },
  ],
  original: enc('From: ann@local.test\r\nMessage-ID: <orig@local.test>\r\nSubject: hi\r\n\r\nthe body\r\n'),
  returnContent: 'full',
  ...over,
})

describe('buildDsn → parseDsn', () => {
  test('round-trips the fields; remote text cannot inject header lines', async () => {
    const dsn = buildDsn(baseDsn())
    const text = new TextDecoder().decode(dsn)
    expect(text).not.toContain('\r\nInjected: header')
    expect(looksLikeDsn(dsn)).toBe(true)
    expect(await parseDsn(dsn)).toEqual({
      reportingMta: 'mx.local.test',
      envid: 'E-1',
      originalMessageId: '<orig@local.test>',
      recipients: [
        {
          finalRecipient: 'bob@remote.test',
          originalRecipient: 'bob@remote.test',
          action: 'failed',
          status: '5.1.1',
          diagnostic: 'smtp; 550 5.1.1 user Injected: header',
          remoteMta: 'mx.remote.test',
        },
      ],
    })
  })
  test('headers only, and without any original', async () => {
    const headers = new TextDecoder().decode(buildDsn(baseDsn({ returnContent: 'headers' })))
    expect(headers).toContain('Content-Type: text/rfc822-headers')
    expect(headers).not.toContain('the body')
    const none = new TextDecoder().decode(buildDsn(baseDsn({ original: null })))
    expect(none).not.toContain('rfc822-headers')
    expect(none).not.toContain('message/rfc822')
  })
  test('refuses an empty recipient list', () => {
    expect(() => buildDsn(baseDsn({ recipients: [] }))).toThrow('at least one recipient')
  })
  test.each([
    ['From: a@b\r\nContent-Type: text/plain\r\n\r\nhello\r\n'],
    ['Content-Type: multipart/report; report-type=disposition-notification; boundary=x\r\n\r\n--x--\r\n'],
    [
      'Content-Type: multipart/report; report-type=delivery-status; boundary=x\r\n\r\n--x\r\nContent-Type: text/plain\r\n\r\nno status part\r\n--x--\r\n',
    ],
    [
      'Content-Type: multipart/report; report-type=delivery-status; boundary=x\r\n\r\n--x\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; a\r\n\r\nStatus: 5.0.0\r\n--x--\r\n',
    ],
    ['Content-Type: multipart/report; report-type=delivery-status; boundary=x\r\n\r\n\x00\xff garbage'],
  ])('not a usable DSN: %p', async text => {
    expect(await parseDsn(enc(text))).toBeNull()
  })
  test('headerSection stops at the first empty line (CRLF or LF)', () => {
    expect(new TextDecoder().decode(headerSection(enc('A: 1\r\nB: 2\r\n\r\nbody')))).toBe('A: 1\r\nB: 2\r\n\r\n')
    expect(new TextDecoder().decode(headerSection(enc('A: 1\n\nbody')))).toBe('A: 1\n\n')
    expect(new TextDecoder().decode(headerSection(enc('A: 1\r\nno body')))).toBe('A: 1\r\nno body')
  })
})
