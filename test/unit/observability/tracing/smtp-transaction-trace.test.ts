import { describe, expect, test } from 'bun:test'
import type { FinishedSpan } from '../../../../src/observability/tracing/span.ts'
import { SmtpTransactionTrace } from '../../../../src/observability/tracing/smtp-transaction-trace.ts'
import { ImapCommandTrace } from '../../../../src/observability/tracing/imap-command-trace.ts'
import { Tracer } from '../../../../src/observability/tracing/tracer.ts'

type Reply = [verb: string | null, code: number, endOfMessage?: boolean]

function run(replies: Reply[], close = false) {
  const spans: FinishedSpan[] = []
  const tracer = new Tracer()
  tracer.attach({ sink: s => spans.push(s) })
  const trace = new SmtpTransactionTrace(tracer, { 'smtp.port': 'mx' })
  for (const [verb, code, eom] of replies) trace.reply(verb, code, eom ?? false)
  if (close) trace.close()
  return spans
}

describe('SmtpTransactionTrace', () => {
  test.each<[string, Reply[], boolean, Record<string, unknown>[]]>([
    [
      'no MAIL, no span',
      [
        ['EHLO', 250],
        ['NOOP', 250],
        ['QUIT', 221],
      ],
      false,
      [],
    ],
    [
      'refused MAIL opens nothing',
      [
        ['MAIL', 550],
        ['DATA', 503],
      ],
      true,
      [],
    ],
    [
      'accepted message',
      [
        ['MAIL', 250],
        ['RCPT', 250],
        ['RCPT', 550],
        ['DATA', 354],
        ['DATA', 250, true],
      ],
      false,
      [
        {
          'smtp.result': 'accepted',
          'smtp.recipients_accepted': 1,
          'smtp.recipients_refused': 1,
          'smtp.reply_code': 250,
        },
      ],
    ],
    [
      'deferred message',
      [
        ['MAIL', 250],
        ['RCPT', 250],
        ['DATA', 354],
        ['DATA', 451, true],
      ],
      false,
      [{ 'smtp.result': 'deferred' }],
    ],
    [
      'rejected BDAT message',
      [
        ['MAIL', 250],
        ['RCPT', 250],
        ['BDAT', 250],
        ['BDAT', 554, true],
      ],
      false,
      [{ 'smtp.result': 'rejected' }],
    ],
    [
      'RSET abandons',
      [
        ['MAIL', 250],
        ['RCPT', 250],
        ['RSET', 250],
      ],
      false,
      [{ 'smtp.result': 'abandoned', 'smtp.abandoned_by': 'RSET' }],
    ],
    ['close abandons', [['MAIL', 250]], true, [{ 'smtp.result': 'abandoned', 'smtp.abandoned_by': 'close' }]],
    [
      'two transactions on one connection',
      [
        ['MAIL', 250],
        ['RCPT', 250],
        ['DATA', 250, true],
        ['MAIL', 250],
        ['RCPT', 250],
        ['DATA', 250, true],
      ],
      false,
      [{ 'smtp.result': 'accepted' }, { 'smtp.result': 'accepted' }],
    ],
    ['end of message without a transaction', [['DATA', 250, true]], false, []],
  ])('%s', (_name, replies, close, expected) => {
    const spans = run(replies, close)
    expect(spans.map(s => s.attributes)).toEqual(
      expected.map(e => expect.objectContaining({ 'smtp.port': 'mx', ...e })),
    )
    for (const s of spans) expect(s.name).toBe('SMTP transaction')
  })

  test('status follows the end-of-data reply', () => {
    const [ok, failed] = [
      run([
        ['MAIL', 250],
        ['DATA', 250, true],
      ]),
      run([
        ['MAIL', 250],
        ['DATA', 552, true],
      ]),
    ]
    expect(ok[0]?.status).toBe('ok')
    expect(failed[0]?.status).toBe('error')
    expect(failed[0]?.statusMessage).toContain('552')
  })
})

describe('ImapCommandTrace', () => {
  test('one span per answered command; framing errors without a command record nothing', () => {
    const spans: FinishedSpan[] = []
    const tracer = new Tracer()
    tracer.attach({ sink: s => spans.push(s) })
    const trace = new ImapCommandTrace(tracer, { 'imap.endpoint': 'imap' })
    trace.answered('BAD', 'garbage') // no command begun
    trace.begin('FETCH', true)
    trace.answered('OK', 'done')
    trace.begin('SELECT', false)
    trace.answered('NO', 'no such mailbox')
    expect(spans.map(s => [s.name, s.status, s.attributes['imap.status']])).toEqual([
      ['IMAP UID FETCH', 'ok', 'OK'],
      ['IMAP SELECT', 'error', 'NO'],
    ])
    expect(spans[1]?.statusMessage).toBe('no such mailbox')
  })
})
