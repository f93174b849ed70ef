// Direct delivery against fake remote MX hosts on loopback, with DNS from the fake DNS server:
// MX order and fallback, implicit MX, null MX, per-recipient 4xx/5xx, dropped connections,
// STARTTLS, CHUNKING, SMTPUTF8, and connection reuse.
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'bun:test'
import { type FakeMx, startFakeMx } from '../../support/fake-mx.ts'
import { type DeliveryFixture, makeAttempt, startDeliveryFixture } from './support/delivery-fixture.ts'

let fx: DeliveryFixture
const servers: FakeMx[] = []
const mx = async (options: Parameters<typeof startFakeMx>[0] = {}) => {
  const server = await startFakeMx(options)
  servers.push(server)
  return server
}

beforeAll(async () => {
  fx = await startDeliveryFixture()
})
afterAll(async () => {
  await fx.close()
})
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close()
})

const directConfig = (port: number) =>
  fx.config(c => {
    c.delivery.direct.port = port
    c.delivery.mtaSts.enabled = false
  })

describe('MX selection', () => {
  test('delivers to the MX with the lowest preference first', async () => {
    const best = await mx({ listen: '127.0.0.3', hostname: 'mx1.example.test' })
    const other = await mx({ listen: '127.0.0.1', port: best.port, hostname: 'mx2.example.test' })
    fx.dns.setZone({
      'example.test': {
        MX: [
          { exchange: 'mx2.example.test', priority: 20 },
          { exchange: 'mx1.example.test', priority: 10 },
        ],
      },
      'mx1.example.test': { A: ['127.0.0.3'] },
      'mx2.example.test': { A: ['127.0.0.1'] },
    })
    const transport = fx.transport(directConfig(best.port))
    const results = await transport.deliver(makeAttempt(['bob@example.test']))
    expect(results).toEqual([
      expect.objectContaining({
        address: 'bob@example.test',
        status: 'delivered',
        code: 250,
        remoteMta: 'mx1.example.test',
      }),
    ])
    expect(best.transactions).toHaveLength(1)
    expect(other.transactions).toHaveLength(0)
    expect(best.transactions[0]?.rcptTo).toEqual(['<bob@example.test>'])
  })

  test('falls back to the next MX when the first refuses the connection', async () => {
    const second = await mx({ hostname: 'mx2.example.test' })
    fx.dns.setZone({
      'example.test': {
        MX: [
          { exchange: 'mx1.example.test', priority: 10 },
          { exchange: 'mx2.example.test', priority: 20 },
        ],
      },
      // Nothing listens on 127.0.0.4: connection refused.
      'mx1.example.test': { A: ['127.0.0.4'] },
      'mx2.example.test': { A: ['127.0.0.1'] },
    })
    const transport = fx.transport(directConfig(second.port))
    const [result] = await transport.deliver(makeAttempt(['bob@example.test']))
    expect(result).toMatchObject({ status: 'delivered', remoteMta: 'mx2.example.test' })
    expect(second.transactions).toHaveLength(1)
  })

  test('falls back to the next MX when the first drops the connection at the greeting or answers 421', async () => {
    const first = await mx({ listen: '127.0.0.3', respond: c => (c.verb === 'CONNECT' ? '421 4.3.2 busy' : undefined) })
    const second = await mx({ port: first.port })
    fx.dns.setZone({
      'example.test': {
        MX: [
          { exchange: 'mx1.example.test', priority: 10 },
          { exchange: 'mx2.example.test', priority: 20 },
        ],
      },
      'mx1.example.test': { A: ['127.0.0.3'] },
      'mx2.example.test': { A: ['127.0.0.1'] },
    })
    const transport = fx.transport(directConfig(first.port))
    expect((await transport.deliver(makeAttempt(['bob@example.test'])))[0]?.status).toBe('delivered')
    first.setRespond(c => (c.verb === 'CONNECT' ? 'drop' : undefined))
    expect((await transport.deliver(makeAttempt(['bob@example.test'])))[0]?.status).toBe('delivered')
    expect(first.transactions).toHaveLength(0)
    expect(second.transactions).toHaveLength(2)
  })

  test('without MX records the domain itself is the MX (A record)', async () => {
    const server = await mx()
    fx.dns.setZone({ 'example.test': { A: ['127.0.0.1'] } })
    const [result] = await fx.transport(directConfig(server.port)).deliver(makeAttempt(['bob@example.test']))
    expect(result).toMatchObject({ status: 'delivered', remoteMta: 'example.test' })
    expect(server.transactions).toHaveLength(1)
  })

  test('without MX records an AAAA record is used too', async () => {
    const server = await mx({ listen: '::1' })
    fx.dns.setZone({ 'example.test': { AAAA: ['::1'] } })
    const [result] = await fx.transport(directConfig(server.port)).deliver(makeAttempt(['bob@example.test']))
    expect(result).toMatchObject({ status: 'delivered' })
    expect(server.transactions).toHaveLength(1)
  })

  test('a null MX (RFC 7505) fails every recipient with 5.1.10 and connects nowhere', async () => {
    const server = await mx()
    fx.dns.setZone({ 'example.test': { MX: [{ exchange: '', priority: 0 }], A: ['127.0.0.1'] } })
    const results = await fx
      .transport(directConfig(server.port))
      .deliver(makeAttempt(['bob@example.test', 'carol@example.test']))
    expect(results.map(r => [r.status, r.enhancedStatus])).toEqual([
      ['failed', '5.1.10'],
      ['failed', '5.1.10'],
    ])
    expect(server.connectionCount).toBe(0)
  })

  test('a domain that does not exist fails with 5.1.2; a DNS failure defers', async () => {
    fx.dns.setZone({ 'other.test': { A: ['127.0.0.1'] } })
    const transport = fx.transport(directConfig(1))
    expect((await transport.deliver(makeAttempt(['bob@example.test'])))[0]).toMatchObject({
      status: 'failed',
      enhancedStatus: '5.1.2',
    })
    fx.dns.setBehavior({ rcode: 'SERVFAIL' })
    try {
      expect((await transport.deliver(makeAttempt(['bob@nowhere.test'])))[0]).toMatchObject({
        status: 'deferred',
        enhancedStatus: '4.4.3',
      })
    } finally {
      fx.dns.setBehavior({})
    }
  })

  test('every MX unreachable: deferred', async () => {
    fx.dns.setZone({
      'example.test': { MX: [{ exchange: 'mx1.example.test', priority: 10 }] },
      'mx1.example.test': { A: ['127.0.0.4'] },
    })
    const [result] = await fx.transport(directConfig(39)).deliver(makeAttempt(['bob@example.test']))
    expect(result).toMatchObject({ status: 'deferred', enhancedStatus: '4.4.1' })
  })
})

describe('replies per recipient', () => {
  const zoneFor = () =>
    fx.dns.setZone({
      'example.test': { MX: [{ exchange: 'mx.example.test', priority: 10 }] },
      'mx.example.test': { A: ['127.0.0.1'] },
    })

  test('mixed 250 / 4xx / 5xx in one transaction', async () => {
    const server = await mx({
      respond: c => {
        if (c.verb !== 'RCPT') return undefined
        if (c.line.includes('busy@')) return '452 4.2.2 mailbox full'
        if (c.line.includes('gone@')) return '550 5.1.1 no such user'
        return undefined
      },
    })
    zoneFor()
    const results = await fx
      .transport(directConfig(server.port))
      .deliver(makeAttempt(['bob@example.test', 'busy@example.test', 'gone@example.test']))
    expect(results).toEqual([
      expect.objectContaining({ address: 'bob@example.test', status: 'delivered', code: 250, enhancedStatus: '2.0.0' }),
      expect.objectContaining({ address: 'busy@example.test', status: 'deferred', code: 452, enhancedStatus: '4.2.2' }),
      expect.objectContaining({
        address: 'gone@example.test',
        status: 'failed',
        code: 550,
        enhancedStatus: '5.1.1',
        diagnostic: '550 5.1.1 no such user',
      }),
    ])
    expect(server.transactions[0]?.rcptTo).toEqual(['<bob@example.test>'])
  })

  test('a 5xx after the data fails every accepted recipient; a 4xx defers them', async () => {
    let reply = '554 5.6.0 content rejected'
    const server = await mx({ respond: c => (c.verb === 'DATA-END' ? reply : undefined) })
    zoneFor()
    const transport = fx.transport(directConfig(server.port))
    const failed = await transport.deliver(makeAttempt(['bob@example.test', 'carol@example.test']))
    expect(failed.map(r => r.status)).toEqual(['failed', 'failed'])
    expect(failed[0]).toMatchObject({ code: 554, enhancedStatus: '5.6.0' })
    reply = '451 4.3.0 try later'
    const deferred = await transport.deliver(makeAttempt(['bob@example.test']))
    expect(deferred[0]).toMatchObject({ status: 'deferred', code: 451 })
  })

  test('a 5xx to MAIL FROM fails every recipient', async () => {
    const server = await mx({ respond: c => (c.verb === 'MAIL' ? '550 5.7.1 sender blocked' : undefined) })
    zoneFor()
    const results = await fx
      .transport(directConfig(server.port))
      .deliver(makeAttempt(['bob@example.test', 'x@example.test']))
    expect(results.map(r => [r.status, r.code, r.enhancedStatus])).toEqual([
      ['failed', 550, '5.7.1'],
      ['failed', 550, '5.7.1'],
    ])
  })

  test('a connection dropped during the transaction defers every recipient', async () => {
    for (const when of ['RCPT', 'DATA', 'DATA-END']) {
      const server = await mx({ respond: c => (c.verb === when ? 'drop' : undefined) })
      zoneFor()
      const results = await fx.transport(directConfig(server.port)).deliver(makeAttempt(['bob@example.test']))
      expect({ when, status: results[0]?.status, code: results[0]?.code }).toEqual({
        when,
        status: 'deferred',
        code: null,
      })
      expect(server.transactions).toHaveLength(0)
    }
  })

  test('without PIPELINING the commands go one by one and still give per-recipient results', async () => {
    const server = await mx({
      extensions: ['8BITMIME', 'ENHANCEDSTATUSCODES'],
      respond: c => (c.verb === 'RCPT' && c.line.includes('gone@') ? '550 5.1.1 unknown' : undefined),
    })
    zoneFor()
    const results = await fx
      .transport(directConfig(server.port))
      .deliver(makeAttempt(['gone@example.test', 'bob@example.test']))
    expect(results.map(r => r.status)).toEqual(['failed', 'delivered'])
  })

  test('message content arrives intact (dot-stuffing undone by the server)', async () => {
    const server = await mx()
    zoneFor()
    const attempt = makeAttempt(['bob@example.test'])
    await fx.transport(directConfig(server.port)).deliver(attempt)
    expect(Buffer.from(server.transactions[0]?.data ?? []).toString()).toBe(Buffer.from(attempt.message).toString())
  })
})

describe('ESMTP extensions', () => {
  const zoneFor = () =>
    fx.dns.setZone({
      'example.test': { MX: [{ exchange: 'mx.example.test', priority: 10 }] },
      'mx.example.test': { A: ['127.0.0.1'] },
    })

  test('CHUNKING: the message goes as one BDAT LAST chunk, byte for byte', async () => {
    const server = await mx({ extensions: ['PIPELINING', 'CHUNKING', 'SIZE 1000000', '8BITMIME'] })
    zoneFor()
    const attempt = makeAttempt(['bob@example.test'])
    const [result] = await fx.transport(directConfig(server.port)).deliver(attempt)
    expect(result?.status).toBe('delivered')
    expect(server.transactions[0]?.chunking).toBe(true)
    expect(Buffer.from(server.transactions[0]?.data ?? []).equals(Buffer.from(attempt.message))).toBe(true)
    expect(server.commands.some(c => c.line === `BDAT ${attempt.message.length} LAST`)).toBe(true)
  })

  test('SMTPUTF8 needed but not offered: failed 5.6.7 without sending', async () => {
    const server = await mx()
    zoneFor()
    const [result] = await fx
      .transport(directConfig(server.port))
      .deliver(makeAttempt(['jösé@example.test'], { smtputf8: true }))
    expect(result).toMatchObject({ status: 'failed', enhancedStatus: '5.6.7' })
    expect(server.commands.some(c => c.line.startsWith('MAIL'))).toBe(false)
  })

  test('SMTPUTF8 offered: MAIL FROM carries SMTPUTF8', async () => {
    const server = await mx({ extensions: ['PIPELINING', 'SMTPUTF8', '8BITMIME'] })
    zoneFor()
    const [result] = await fx
      .transport(directConfig(server.port))
      .deliver(makeAttempt(['jösé@example.test'], { smtputf8: true, bodyType: '8BITMIME' }))
    expect(result?.status).toBe('delivered')
    expect(server.transactions[0]?.mailFrom).toBe('<ann@sender.example.test> BODY=8BITMIME SMTPUTF8')
  })

  test('SIZE: a message over the announced limit fails with 5.3.4 before MAIL', async () => {
    const server = await mx({ extensions: ['PIPELINING', 'SIZE 100'] })
    zoneFor()
    const [result] = await fx.transport(directConfig(server.port)).deliver(makeAttempt(['bob@example.test']))
    expect(result).toMatchObject({ status: 'failed', enhancedStatus: '5.3.4' })
    expect(server.transactions).toHaveLength(0)
  })

  test('DSN parameters are passed on to a DSN-capable MX', async () => {
    const server = await mx({ extensions: ['PIPELINING', 'DSN', 'SIZE 1000000'] })
    zoneFor()
    const attempt = makeAttempt(
      [
        {
          address: 'bob@example.test',
          notify: ['SUCCESS', 'FAILURE'],
          orcpt: { addrType: 'rfc822', value: 'bob+2Bx@example.test' },
        },
      ],
      { ret: 'HDRS', envid: 'env id' },
    )
    await fx.transport(directConfig(server.port)).deliver(attempt)
    expect(server.transactions[0]?.mailFrom).toBe(
      `<ann@sender.example.test> SIZE=${attempt.message.length} RET=HDRS ENVID=env+20id`,
    )
    expect(server.transactions[0]?.rcptTo).toEqual([
      '<bob@example.test> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;bob+2Bx@example.test',
    ])
  })
})

describe('connection reuse', () => {
  test('consecutive messages to one MX share one connection; a closed idle one is replaced', async () => {
    const server = await mx()
    fx.dns.setZone({
      'example.test': { MX: [{ exchange: 'mx.example.test', priority: 10 }] },
      'mx.example.test': { A: ['127.0.0.1'] },
    })
    const transport = fx.transport(directConfig(server.port))
    for (let i = 0; i < 3; i++)
      expect((await transport.deliver(makeAttempt(['bob@example.test'])))[0]?.status).toBe('delivered')
    expect(server.connectionCount).toBe(1)
    expect(server.transactions.map(t => t.connection)).toEqual([0, 0, 0])
    // The server closes the idle connection (a QUIT from its side): the next message reconnects.
    server.setRespond(c => (c.verb === 'MAIL' && c.connection === 0 ? 'drop' : undefined))
    expect((await transport.deliver(makeAttempt(['bob@example.test'])))[0]?.status).toBe('delivered')
    expect(server.connectionCount).toBe(2)
  })

  test('parallel deliveries open at most maxConnectionsPerHost connections', async () => {
    const server = await mx()
    fx.dns.setZone({
      'example.test': { MX: [{ exchange: 'mx.example.test', priority: 10 }] },
      'mx.example.test': { A: ['127.0.0.1'] },
    })
    const config = directConfig(server.port)
    config.delivery.maxConnectionsPerHost = 2
    const transport = fx.transport(config)
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => transport.deliver(makeAttempt([`u${i}@example.test`]))),
    )
    expect(results.every(r => r[0]?.status === 'delivered')).toBe(true)
    expect(server.transactions).toHaveLength(10)
    expect(server.connectionCount).toBe(2)
  })
})
