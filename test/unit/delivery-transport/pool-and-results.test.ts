// The connection pool (reuse, per-key limit, idle timeout, waiters), SMTP replies → per-recipient
// results, MX resolution with the memory resolver, and SES error mapping.
import { describe, expect, test } from 'bun:test'
import { resolveHostAddresses, resolveMxHosts } from '../../../src/delivery/direct/resolve-mx-hosts.ts'
import { createCredentialProvider } from '../../../src/delivery/ses/aws-credentials.ts'
import { mapSesError, sesErrorName } from '../../../src/delivery/ses/ses-errors.ts'
import { ConnectionPool, type Poolable } from '../../../src/delivery/smtp-client/connection-pool.ts'
import { resultsFromReplies } from '../../../src/delivery/smtp-client/recipient-results.ts'
import { parseReply } from '../../../src/delivery/smtp-client/smtp-reply.ts'
import { manualClock } from '../../../src/core/clock.ts'
import { createMemoryResolver } from '../../../src/security/dns/memory-resolver.ts'

class FakeConnection implements Poolable {
  usable = true
  transactions = 0
  quits = 0
  aborts = 0
  constructor(readonly id: number) {}
  async quit() {
    this.quits++
    this.usable = false
  }
  abort() {
    this.aborts++
    this.usable = false
  }
}

describe('ConnectionPool', () => {
  const create = () => {
    let n = 0
    const made: FakeConnection[] = []
    return {
      made,
      fn: async () => {
        const c = new FakeConnection(++n)
        made.push(c)
        return c
      },
    }
  }

  test('a released connection is reused for the same key only', async () => {
    const pool = new ConnectionPool<FakeConnection>({ maxPerKey: 2, idleTimeoutMs: 60_000, maxUses: 10 })
    const c = create()
    const a = await pool.acquire('mx1', c.fn)
    expect(a.reused).toBe(false)
    a.connection.transactions++
    a.release(true)
    const b = await pool.acquire('mx1', c.fn)
    expect(b.reused).toBe(true)
    expect(b.connection).toBe(a.connection)
    const other = await pool.acquire('mx2', c.fn)
    expect(other.connection).not.toBe(a.connection)
    b.release(true)
    other.release(true)
    await pool.close()
    expect(c.made.map(m => m.quits)).toEqual([1, 1])
  })

  test('the per-key limit makes callers wait for a release, in order', async () => {
    const pool = new ConnectionPool<FakeConnection>({ maxPerKey: 1, idleTimeoutMs: 60_000, maxUses: 10 })
    const c = create()
    const first = await pool.acquire('k', c.fn)
    const order: number[] = []
    const second = pool.acquire('k', c.fn).then(l => {
      order.push(2)
      return l
    })
    const third = pool.acquire('k', c.fn).then(l => {
      order.push(3)
      return l
    })
    await Promise.resolve()
    expect(order).toEqual([])
    first.release(true)
    ;(await second).release(true)
    ;(await third).release(false)
    expect(order).toEqual([2, 3])
    expect(c.made).toHaveLength(1)
    expect(c.made[0]?.quits).toBe(1)
    await pool.close()
  })

  test('unusable or worn-out connections are not kept; a failed create frees its slot', async () => {
    const pool = new ConnectionPool<FakeConnection>({ maxPerKey: 1, idleTimeoutMs: 60_000, maxUses: 2 })
    const c = create()
    const a = await pool.acquire('k', c.fn)
    a.connection.usable = false
    a.release(true)
    expect(a.connection.aborts).toBe(1)
    const b = await pool.acquire('k', c.fn)
    b.connection.transactions = 2
    b.release(true)
    expect(b.connection.quits).toBe(1)
    await expect(pool.acquire('k', async () => Promise.reject(new Error('refused')))).rejects.toThrow('refused')
    const d = await pool.acquire('k', c.fn)
    expect(pool.count('k')).toEqual({ busy: 1, idle: 0 })
    d.release(true)
    expect(pool.count('k')).toEqual({ busy: 0, idle: 1 })
    await pool.close()
  })

  test('an idle connection is closed after the idle timeout', async () => {
    const pool = new ConnectionPool<FakeConnection>({ maxPerKey: 1, idleTimeoutMs: 1, maxUses: 10 })
    const c = create()
    const a = await pool.acquire('k', c.fn)
    a.release(true)
    await Bun.sleep(20)
    expect(a.connection.quits).toBe(1)
    expect(pool.count('k')).toEqual({ busy: 0, idle: 0 })
    await pool.close()
  })
})

describe('resultsFromReplies', () => {
  const attempt = {
    recipients: ['a@x.test', 'b@x.test', 'c@x.test'].map(address => ({ address, notify: null, orcpt: null })),
  }
  test('per recipient: RCPT decides, then the data reply', () => {
    const results = resultsFromReplies(
      attempt,
      {
        mail: parseReply(['250 ok']),
        rcpt: [parseReply(['250 ok']), parseReply(['450 4.2.1 later']), parseReply(['550 5.1.1 unknown'])],
        data: parseReply(['250 2.0.0 queued']),
      },
      'mx.x.test',
    )
    expect(results.map(r => [r.status, r.code, r.enhancedStatus])).toEqual([
      ['delivered', 250, '2.0.0'],
      ['deferred', 450, '4.2.1'],
      ['failed', 550, '5.1.1'],
    ])
  })
  test('a refused MAIL applies to everyone', () => {
    const results = resultsFromReplies(
      attempt,
      { mail: parseReply(['553 5.1.8 bad sender']), rcpt: [null, null, null], data: null },
      'mx',
    )
    expect(results.every(r => r.status === 'failed' && r.code === 553)).toBe(true)
  })
})

describe('resolveMxHosts', () => {
  const noShuffle = (h: { name: string; priority: number }[]) => h
  test.each([
    [
      {
        'x.test': {
          MX: [
            { exchange: 'b.x.test', priority: 20 },
            { exchange: 'A.x.test.', priority: 10 },
          ],
        },
      },
      {
        kind: 'hosts',
        hosts: [
          { name: 'a.x.test', priority: 10 },
          { name: 'b.x.test', priority: 20 },
        ],
        implicit: false,
      },
    ],
    [{ 'x.test': { A: ['192.0.2.1'] } }, { kind: 'hosts', hosts: [{ name: 'x.test', priority: 0 }], implicit: true }],
    [{ 'x.test': { MX: [{ exchange: '', priority: 0 }] } }, { kind: 'null-mx' }],
    [
      {
        'x.test': {
          MX: [
            { exchange: '', priority: 0 },
            { exchange: 'm.x.test', priority: 5 },
          ],
        },
      },
      { kind: 'hosts', hosts: [{ name: 'm.x.test', priority: 5 }], implicit: false },
    ],
    [{ 'other.test': {} }, { kind: 'no-domain', reason: 'x.test does not exist (NXDOMAIN)' }],
  ])('%j', async (zone, expected) => {
    expect(await resolveMxHosts(createMemoryResolver(zone), 'x.test', noShuffle)).toEqual(expected as never)
  })

  test('a failed lookup is temporary; equal preferences are shuffled only among themselves', async () => {
    const resolver = createMemoryResolver({})
    resolver.fail('x.test', 'ESERVFAIL')
    expect((await resolveMxHosts(resolver, 'x.test')).kind).toBe('temporary')
    const many = createMemoryResolver({
      'x.test': {
        MX: [
          ...Array.from({ length: 6 }, (_, i) => ({ exchange: `p10-${i}.x.test`, priority: 10 })),
          { exchange: 'p5.x.test', priority: 5 },
          { exchange: 'p20.x.test', priority: 20 },
        ],
      },
    })
    const result = await resolveMxHosts(many, 'x.test')
    expect(result.kind === 'hosts' && [result.hosts[0]?.name, result.hosts[7]?.name]).toEqual([
      'p5.x.test',
      'p20.x.test',
    ])
  })

  test('addresses: IPv4 first, then IPv6', async () => {
    const resolver = createMemoryResolver({ 'm.test': { A: ['192.0.2.1'], AAAA: ['2001:db8::1'] } })
    expect(await resolveHostAddresses(resolver, 'm.test')).toEqual(['192.0.2.1', '2001:db8::1'])
    expect(await resolveHostAddresses(resolver, 'none.test')).toEqual([])
  })
})

describe('SES errors', () => {
  test.each([
    ['MessageRejected:http://internal.amazon.com/coral/', null, 'MessageRejected'],
    [null, { __type: 'com.amazonaws.sesv2#TooManyRequestsException' }, 'TooManyRequestsException'],
    [null, { code: 'Throttling' }, 'Throttling'],
    [null, null, ''],
  ])('name from %j / %j', (header, body, expected) => {
    expect(sesErrorName(header, body)).toBe(expected)
  })
  test.each([
    [429, '', 'deferred'],
    [400, 'ThrottlingException', 'deferred'],
    [400, 'MessageRejected', 'failed'],
    [403, 'ExpiredTokenException', 'deferred'],
    [404, 'NotFoundException', 'deferred'],
    [500, '', 'deferred'],
    [400, 'SomethingNew', 'failed'],
  ])('%i %s → %s', (status, name, expected) => {
    expect(mapSesError(status, name).status).toBe(expected as 'deferred' | 'failed')
  })
  test('static credentials need both halves', () => {
    const options = {
      accessKeyId: 'AK',
      secretAccessKey: '',
      sessionToken: '',
      imdsEndpoint: 'http://127.0.0.1:9',
      clock: manualClock(),
      timeoutMs: 100,
    }
    expect(() => createCredentialProvider(options)).toThrow('secretAccessKey')
  })
})
