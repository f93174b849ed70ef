import { describe, expect, test } from 'bun:test'
import { clientKey, createConnectionLimiter } from '../../../src/net/connection-limits.ts'

describe('clientKey', () => {
  test.each([
    ['192.0.2.7', '192.0.2.7'],
    ['::ffff:192.0.2.7', '192.0.2.7'],
    ['::FFFF:192.0.2.7', '192.0.2.7'],
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['2001:db8:1:2::9', '2001:db8:1:2::/64'],
    ['2001:0DB8:0001:0002:aaaa::1', '2001:db8:1:2::/64'],
    ['2001:db8::', '2001:db8:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
    ['64:ff9b::192.0.2.1', '64:ff9b:0:0::/64'],
    // Not addresses: counted as they are rather than guessed at.
    ['1:2:3', '1:2:3'],
    ['1::2::3', '1::2::3'],
    ['localhost', 'localhost'],
  ])('%s → %s', (address, key) => {
    expect(clientKey(address)).toBe(key)
  })
})

describe('createConnectionLimiter', () => {
  test('per-IP cap; other addresses still admitted; release frees the slot once', () => {
    const limiter = createConnectionLimiter({ maxConnections: 10, maxConnectionsPerIp: 2 })
    const a1 = limiter.tryAcquire('192.0.2.1')
    const a2 = limiter.tryAcquire('::ffff:192.0.2.1') // same client
    expect(a1).not.toBeNull()
    expect(a2).not.toBeNull()
    expect(limiter.tryAcquire('192.0.2.1')).toBeNull()
    expect(limiter.tryAcquire('192.0.2.2')).not.toBeNull()
    a1?.()
    a1?.() // a second release must not free another slot
    expect(limiter.countFor('192.0.2.1')).toBe(1)
    expect(limiter.total).toBe(2)
    expect(limiter.tryAcquire('192.0.2.1')).not.toBeNull()
    expect(limiter.tryAcquire('192.0.2.1')).toBeNull()
  })

  test('total cap across clients', () => {
    const limiter = createConnectionLimiter({ maxConnections: 2, maxConnectionsPerIp: 5 })
    const a = limiter.tryAcquire('192.0.2.1')
    limiter.tryAcquire('192.0.2.2')
    expect(limiter.tryAcquire('192.0.2.3')).toBeNull()
    a?.()
    expect(limiter.tryAcquire('192.0.2.3')).not.toBeNull()
  })

  test('IPv6 clients in one /64 share the per-IP allowance', () => {
    const limiter = createConnectionLimiter({ maxConnections: 10, maxConnectionsPerIp: 1 })
    expect(limiter.tryAcquire('2001:db8:1:2::1')).not.toBeNull()
    expect(limiter.tryAcquire('2001:db8:1:2::ffff')).toBeNull()
    expect(limiter.tryAcquire('2001:db8:1:3::1')).not.toBeNull()
  })
})
