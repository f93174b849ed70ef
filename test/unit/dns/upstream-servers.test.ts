// Upstream server addresses and resolv.conf.
import { afterAll, describe, expect, test } from 'bun:test'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {
  FALLBACK_SERVER,
  formatUpstreamServer,
  parseResolvConf,
  parseUpstreamServer,
  upstreamServers,
} from '../../../src/security/dns/upstream-servers.ts'

describe('parseUpstreamServer', () => {
  test.each([
    ['127.0.0.1:5353', '127.0.0.1', 5353],
    ['127.0.0.1', '127.0.0.1', 53],
    ['[::1]:53', '::1', 53],
    ['[::1]', '::1', 53],
    ['::1', '::1', 53],
    ['2001:db8::53', '2001:db8::53', 53],
    ['[2001:db8::53]:5300', '2001:db8::53', 5300],
    ['dns.example.net:53', 'dns.example.net', 53],
    [' 9.9.9.9 ', '9.9.9.9', 53],
  ])('%p', (text, host, port) => {
    expect(parseUpstreamServer(text)).toEqual({ host, port })
  })

  test.each(['', '1.1.1.1:0', '1.1.1.1:65536', '1.1.1.1:x', '[::1', 'a b', '[::1]:99999'])('rejects %p', text => {
    expect(() => parseUpstreamServer(text)).toThrow()
  })

  test('formats back, with brackets for IPv6', () => {
    expect(formatUpstreamServer({ host: '::1', port: 53 })).toBe('[::1]:53')
    expect(formatUpstreamServer({ host: '10.0.0.2', port: 5353 })).toBe('10.0.0.2:5353')
  })
})

describe('resolv.conf', () => {
  test('nameserver lines in order; comments, options and garbage skipped', () => {
    const text = [
      '# generated',
      'search example.org',
      'nameserver 10.0.0.2',
      '  nameserver   2001:db8::53  # v6',
      'nameserver fe80::1%eth0',
      'nameserver not an address',
      'options edns0 trust-ad',
      '; nameserver 10.9.9.9',
    ].join('\n')
    expect(parseResolvConf(text)).toEqual([
      { host: '10.0.0.2', port: 53 },
      { host: '2001:db8::53', port: 53 },
      { host: 'fe80::1%eth0', port: 53 },
    ])
  })

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'resolv-'))
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

  test('configured servers win; then resolv.conf; then 127.0.0.1:53', () => {
    const file = path.join(dir, 'resolv.conf')
    fs.writeFileSync(file, 'nameserver 10.0.0.2\nnameserver 10.0.0.3\n')
    expect(upstreamServers(['127.0.0.1:5353', '[::1]:53'], file)).toEqual([
      { host: '127.0.0.1', port: 5353 },
      { host: '::1', port: 53 },
    ])
    expect(upstreamServers([], file)).toEqual([
      { host: '10.0.0.2', port: 53 },
      { host: '10.0.0.3', port: 53 },
    ])
    expect(upstreamServers([], path.join(dir, 'missing'))).toEqual([FALLBACK_SERVER])
    fs.writeFileSync(file, '# empty\n')
    expect(upstreamServers([], file)).toEqual([FALLBACK_SERVER])
  })
})
