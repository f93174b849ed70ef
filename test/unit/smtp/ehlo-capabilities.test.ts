// EHLO keyword list per connection state, and the reply's wire form.
import { describe, expect, test } from 'bun:test'
import { type EhloCapabilities, buildEhloReply, ehloKeywords } from '../../../src/smtp/protocol/ehlo-capabilities.ts'
import { formatReply } from '../../../src/smtp/protocol/reply.ts'

const base: EhloCapabilities = {
  maxMessageSize: 26214400,
  tlsActive: false,
  startTlsAvailable: true,
  authMechanisms: ['PLAIN', 'LOGIN'],
}

describe('ehloKeywords', () => {
  const cases: [string, Partial<EhloCapabilities>, string[]][] = [
    [
      'plain submission connection: STARTTLS, no AUTH yet',
      {},
      [
        'SIZE 26214400',
        'PIPELINING',
        '8BITMIME',
        'SMTPUTF8',
        'CHUNKING',
        'ENHANCEDSTATUSCODES',
        'DSN',
        'STARTTLS',
        'HELP',
      ],
    ],
    [
      'after STARTTLS: AUTH appears, STARTTLS is gone (RFC 3207 §4.2)',
      { tlsActive: true },
      [
        'SIZE 26214400',
        'PIPELINING',
        '8BITMIME',
        'SMTPUTF8',
        'CHUNKING',
        'ENHANCEDSTATUSCODES',
        'DSN',
        'AUTH PLAIN LOGIN',
        'HELP',
      ],
    ],
    [
      'insecure AUTH allowed by config (dev)',
      { allowInsecureAuth: true },
      [
        'SIZE 26214400',
        'PIPELINING',
        '8BITMIME',
        'SMTPUTF8',
        'CHUNKING',
        'ENHANCEDSTATUSCODES',
        'DSN',
        'STARTTLS',
        'AUTH PLAIN LOGIN',
        'HELP',
      ],
    ],
    [
      'no certificate: no STARTTLS, no AUTH',
      { startTlsAvailable: false },
      ['SIZE 26214400', 'PIPELINING', '8BITMIME', 'SMTPUTF8', 'CHUNKING', 'ENHANCEDSTATUSCODES', 'DSN', 'HELP'],
    ],
    [
      'MX on TLS: no mechanisms means no AUTH; REQUIRETLS only over TLS',
      { tlsActive: true, authMechanisms: [], requireTls: true },
      [
        'SIZE 26214400',
        'PIPELINING',
        '8BITMIME',
        'SMTPUTF8',
        'CHUNKING',
        'ENHANCEDSTATUSCODES',
        'DSN',
        'REQUIRETLS',
        'HELP',
      ],
    ],
    [
      'REQUIRETLS is not offered in clear text',
      { requireTls: true, startTlsAvailable: false },
      ['SIZE 26214400', 'PIPELINING', '8BITMIME', 'SMTPUTF8', 'CHUNKING', 'ENHANCEDSTATUSCODES', 'DSN', 'HELP'],
    ],
    [
      'already authenticated: no second AUTH (RFC 4954 §4)',
      { tlsActive: true, authenticated: true },
      ['SIZE 26214400', 'PIPELINING', '8BITMIME', 'SMTPUTF8', 'CHUNKING', 'ENHANCEDSTATUSCODES', 'DSN', 'HELP'],
    ],
    [
      'everything optional switched off; SIZE 0 = no fixed limit (RFC 1870 §4)',
      {
        maxMessageSize: 0,
        pipelining: false,
        eightBitMime: false,
        smtputf8: false,
        chunking: false,
        binaryMime: true,
        enhancedStatusCodes: false,
        dsn: false,
        help: false,
        startTlsAvailable: false,
      },
      ['SIZE'],
    ],
    [
      'BINARYMIME only with CHUNKING (RFC 3030 §3)',
      { binaryMime: true, startTlsAvailable: false },
      [
        'SIZE 26214400',
        'PIPELINING',
        '8BITMIME',
        'SMTPUTF8',
        'CHUNKING',
        'BINARYMIME',
        'ENHANCEDSTATUSCODES',
        'DSN',
        'HELP',
      ],
    ],
    [
      'mechanism names are upper-cased',
      { tlsActive: true, authMechanisms: ['plain'], help: false },
      ['SIZE 26214400', 'PIPELINING', '8BITMIME', 'SMTPUTF8', 'CHUNKING', 'ENHANCEDSTATUSCODES', 'DSN', 'AUTH PLAIN'],
    ],
  ]

  test.each(cases)('%s', (_label, overrides, keywords) => {
    expect(ehloKeywords({ ...base, ...overrides })).toEqual(keywords)
  })
})

describe('buildEhloReply', () => {
  test('host line first, keywords after, no enhanced codes (RFC 2034 §3)', () => {
    const wire = formatReply(
      buildEhloReply('mx.example.test', { ...base, tlsActive: true, help: false }, 'Hello client.example'),
    )
    expect(wire).toBe(
      [
        '250-mx.example.test Hello client.example',
        '250-SIZE 26214400',
        '250-PIPELINING',
        '250-8BITMIME',
        '250-SMTPUTF8',
        '250-CHUNKING',
        '250-ENHANCEDSTATUSCODES',
        '250-DSN',
        '250 AUTH PLAIN LOGIN',
        '',
      ].join('\r\n'),
    )
  })

  test('a client name with CR/LF cannot inject a keyword', () => {
    const wire = formatReply(
      buildEhloReply('mx.example.test', { ...base, startTlsAvailable: false }, 'Hello x\r\n250-AUTH PLAIN'),
    )
    expect(wire.split('\r\n').filter(l => l.includes('AUTH'))).toEqual(['250-mx.example.test Hello x  250-AUTH PLAIN'])
  })
})
