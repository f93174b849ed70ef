// Upstream resolvers: `dns.servers` from the config (`host:port`, `[v6]:port`, port 53 when
// omitted), else the `nameserver` lines of /etc/resolv.conf (resolv.conf(5)), else 127.0.0.1:53.
import fs from 'node:fs'
import { isIP, isIPv6 } from 'node:net'

export interface UpstreamServer {
  /** Address without brackets (`::1`, `127.0.0.1`). */
  host: string
  port: number
}

export const DNS_PORT = 53
export const FALLBACK_SERVER: UpstreamServer = { host: '127.0.0.1', port: DNS_PORT }

/** `127.0.0.1:5353`, `[::1]:53`, `::1`, `9.9.9.9` → { host, port }. Throws on anything else. */
export function parseUpstreamServer(text: string): UpstreamServer {
  const s = text.trim()
  const bracketed = /^\[([^\]]+)\](?::(\d{1,5}))?$/.exec(s)
  const [host, port] = bracketed
    ? [bracketed[1] as string, bracketed[2]]
    : isIPv6(s)
      ? [s, undefined]
      : (() => {
          const m = /^([^\s:[\]]+)(?::(\d{1,5}))?$/.exec(s)
          if (!m) throw new Error(`not a DNS server address: ${JSON.stringify(text)}`)
          return [m[1] as string, m[2]]
        })()
  const n = port === undefined ? DNS_PORT : Number(port)
  if (!Number.isInteger(n) || n < 1 || n > 65535)
    throw new Error(`bad port in DNS server address ${JSON.stringify(text)}`)
  return { host, port: n }
}

/** `nameserver` lines of a resolv.conf, in order (resolv.conf(5): IPv4 or IPv6 addresses, port 53). */
export function parseResolvConf(text: string): UpstreamServer[] {
  const out: UpstreamServer[] = []
  for (const line of text.split('\n')) {
    const address = /^\s*nameserver\s+(\S+)/.exec(line)?.[1]
    // A link-local IPv6 address may carry a zone (fe80::1%eth0); anything that is not an address is
    // skipped, as the libc resolver does.
    if (address && isIP(address.split('%')[0] as string) !== 0) out.push({ host: address, port: DNS_PORT })
  }
  return out
}

/** The configured servers, or the system's, or 127.0.0.1:53. */
export function upstreamServers(configured: readonly string[], resolvConfPath = '/etc/resolv.conf'): UpstreamServer[] {
  if (configured.length > 0) return configured.map(parseUpstreamServer)
  let text = ''
  try {
    text = fs.readFileSync(resolvConfPath, 'utf8')
  } catch {
    // no resolv.conf (containers, tests): use the fallback below
  }
  const system = parseResolvConf(text)
  return system.length > 0 ? system : [FALLBACK_SERVER]
}

export const formatUpstreamServer = (s: UpstreamServer): string =>
  s.host.includes(':') ? `[${s.host}]:${s.port}` : `${s.host}:${s.port}`
