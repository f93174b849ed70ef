// One query over UDP (RFC 1035 §4.2.1). A connected socket per query: the kernel drops datagrams
// from other addresses, the source port is fresh each time (RFC 5452 §9.2), and an ICMP port
// unreachable surfaces as ECONNREFUSED instead of a timeout. Replies that do not match the query
// (id, question) are ignored and the wait goes on.
import dgram from 'node:dgram'
import { isIPv6 } from 'node:net'
import { DnsError } from './dns-error.ts'
import { type DnsQuery, type DnsReply, decodeReply, replyMatches } from './dns-message.ts'
import type { UpstreamServer } from './upstream-servers.ts'

export function udpExchange(server: UpstreamServer, query: DnsQuery, timeoutMs: number): Promise<DnsReply> {
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket(isIPv6(server.host) ? 'udp6' : 'udp4')
    let settled = false
    const finish = (error: DnsError | undefined, reply?: DnsReply) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      try {
        socket.close()
      } catch {
        // already closed
      }
      if (error) reject(error)
      else resolve(reply as DnsReply)
    }
    const timer = setTimeout(() => finish(new DnsError('ETIMEOUT', query.name, query.type)), timeoutMs)
    socket.on('error', () => finish(new DnsError('ECONNREFUSED', query.name, query.type)))
    socket.on('message', message => {
      const reply = decodeReply(message)
      if (reply && replyMatches(query, reply)) finish(undefined, reply)
    })
    socket.connect(server.port, server.host, () => {
      socket.send(query.bytes, error => {
        if (error) finish(new DnsError('ECONNREFUSED', query.name, query.type))
      })
    })
  })
}
