// Query building, reply matching (anti-spoofing) and answer extraction.
import { describe, expect, test } from 'bun:test'
import * as packet from 'dns-packet'
import { DnsError } from '../../../src/security/dns/dns-error.ts'
import { buildQuery, decodeReply, EDNS_UDP_PAYLOAD, replyMatches } from '../../../src/security/dns/dns-message.ts'
import { extractAnswer } from '../../../src/security/dns/reply-records.ts'

const ids = [0x1234, 0x1234]
const fixedId = () => ids.shift() ?? 0x1234

describe('buildQuery', () => {
  test('one question, recursion desired, EDNS0 with a 1232-byte payload', () => {
    const q = buildQuery('example.test', 'TXT', true, fixedId)
    const decoded = packet.decode(q.bytes)
    expect(decoded.id).toBe(0x1234)
    expect(decoded.flag_rd).toBe(true)
    expect(decoded.questions).toEqual([{ name: 'example.test', type: 'TXT', class: 'IN' }])
    const opt = decoded.additionals?.[0] as packet.OptAnswer
    expect(opt.type).toBe('OPT')
    expect(opt.udpPayloadSize).toBe(EDNS_UDP_PAYLOAD)
    expect(packet.decode(buildQuery('example.test', 'A', false).bytes).additionals).toEqual([])
  })

  test('ids are random per query', () => {
    const seen = new Set(Array.from({ length: 50 }, () => buildQuery('a.test', 'A').id))
    expect(seen.size).toBeGreaterThan(40)
  })
})

describe('replyMatches', () => {
  const query = buildQuery('Example.Test', 'A', true, () => 7)
  const reply = (over: Partial<packet.Packet>) =>
    decodeReply(
      packet.encode({
        id: 7,
        type: 'response',
        questions: [{ name: 'example.test', type: 'A', class: 'IN' }],
        ...over,
      }),
    )
  const rows: [string, Partial<packet.Packet>, boolean][] = [
    ['matching reply (case-insensitive name)', {}, true],
    ['other id', { id: 8 }, false],
    ['a query, not a response', { type: 'query' }, false],
    ['other name', { questions: [{ name: 'evil.test', type: 'A' }] }, false],
    ['other type', { questions: [{ name: 'example.test', type: 'AAAA' }] }, false],
    ['other class', { questions: [{ name: 'example.test', type: 'A', class: 'CH' }] }, false],
    ['no question', { questions: [] }, false],
    [
      'two questions',
      {
        questions: [
          { name: 'example.test', type: 'A' },
          { name: 'example.test', type: 'A' },
        ],
      },
      false,
    ],
  ]
  test.each(rows)('%s', (_name, over, expected) => {
    const r = reply(over)
    expect(r).toBeDefined()
    expect(replyMatches(query, r as NonNullable<typeof r>)).toBe(expected)
  })

  test('garbage does not decode', () => {
    expect(decodeReply(new Uint8Array([1, 2, 3]))).toBeUndefined()
  })
})

describe('extractAnswer', () => {
  const decode = (p: packet.Packet) => decodeReply(packet.encode({ id: 1, type: 'response', ...p }))!

  test('follows the CNAME chain and ignores records of other owners', () => {
    const reply = decode({
      questions: [{ name: 'www.example.test', type: 'A' }],
      answers: [
        { name: 'www.example.test', type: 'CNAME', ttl: 50, data: 'cdn.example.net' },
        { name: 'cdn.example.net', type: 'A', ttl: 300, data: '192.0.2.10' },
        { name: 'unrelated.example.org', type: 'A', ttl: 300, data: '192.0.2.99' },
      ],
    })
    expect(extractAnswer(reply, 'www.example.test', 'A')).toEqual({ records: ['192.0.2.10'], ttl: 50 })
  })

  test('NXDOMAIN and NODATA carry the RFC 2308 negative TTL when an SOA is present', () => {
    const soa = { mname: 'ns', rname: 'h', serial: 1, refresh: 1, retry: 1, expire: 1, minimum: 900 }
    const nx = decode({
      flags: 3,
      questions: [{ name: 'x.test', type: 'A' }],
      authorities: [{ name: 'test', type: 'SOA', ttl: 120, data: soa }],
    })
    try {
      extractAnswer(nx, 'x.test', 'A')
      throw new Error('expected ENOTFOUND')
    } catch (e) {
      expect((e as DnsError).code).toBe('ENOTFOUND')
      expect((e as DnsError).negativeTtl).toBe(120)
    }
    const nodata = decode({ questions: [{ name: 'x.test', type: 'A' }] })
    try {
      extractAnswer(nodata, 'x.test', 'A')
      throw new Error('expected ENODATA')
    } catch (e) {
      expect((e as DnsError).code).toBe('ENODATA')
      expect((e as DnsError).negativeTtl).toBeUndefined()
    }
  })

  test('TXT strings, MX, SRV and TLSA in Node shapes', () => {
    const reply = decode({
      questions: [{ name: 'a.test', type: 'TXT' }],
      answers: [
        { name: 'a.test', type: 'TXT', ttl: 1, data: ['one', 'two'] },
        { name: 'a.test', type: 'MX', ttl: 1, data: { preference: 5, exchange: 'mx.a.test' } },
        { name: 'a.test', type: 'SRV', ttl: 1, data: { priority: 1, weight: 2, port: 993, target: 'imap.a.test' } },
        {
          name: 'a.test',
          type: 'TLSA',
          ttl: 1,
          data: { usage: 3, selector: 1, matchingType: 1, certificate: Buffer.from([1, 2]) },
        },
      ],
    })
    expect(extractAnswer(reply, 'a.test', 'TXT').records).toEqual([['one', 'two']])
    expect(extractAnswer(reply, 'a.test', 'MX').records).toEqual([{ exchange: 'mx.a.test', priority: 5 }])
    expect(extractAnswer(reply, 'a.test', 'SRV').records).toEqual([
      { priority: 1, weight: 2, port: 993, name: 'imap.a.test' },
    ])
    expect(extractAnswer(reply, 'a.test', 'TLSA').records).toEqual([
      { usage: 3, selector: 1, matchingType: 1, data: new Uint8Array([1, 2]) },
    ])
  })
})
