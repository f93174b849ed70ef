// One query over TCP (RFC 1035 §4.2.2, RFC 7766): used when the UDP reply was truncated. Messages
// carry a two-byte length prefix. On TCP a reply that does not match is an error, not noise: the
// connection is ours alone.
import net from 'node:net'
import { DnsError } from './dns-error.ts'
import { type DnsQuery, type DnsReply, decodeReply, replyMatches } from './dns-message.ts'
import type { UpstreamServer } from './upstream-servers.ts'

export function tcpExchange(server: UpstreamServer, query: DnsQuery, timeoutMs: number): Promise<DnsReply> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: server.host, port: server.port })
    let buffer = Buffer.alloc(0)
    let settled = false
    const finish = (error: DnsError | undefined, reply?: DnsReply) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      socket.destroy()
      if (error) reject(error)
      else resolve(reply as DnsReply)
    }
    const fail = (code: 'ETIMEOUT' | 'ECONNREFUSED' | 'EBADRESP') => finish(new DnsError(code, query.name, query.type))
    const timer = setTimeout(() => fail('ETIMEOUT'), timeoutMs)
    socket.on('connect', () => {
      const length = Buffer.alloc(2)
      length.writeUInt16BE(query.bytes.length)
      socket.write(Buffer.concat([length, query.bytes]))
    })
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk])
      if (buffer.length < 2) return
      const size = buffer.readUInt16BE(0)
      if (buffer.length < 2 + size) return
      const reply = decodeReply(buffer.subarray(2, 2 + size))
      if (reply && replyMatches(query, reply)) finish(undefined, reply)
      else fail('EBADRESP')
    })
    socket.on('error', () => fail('ECONNREFUSED'))
    socket.on('close', () => fail('EBADRESP')) // closed before a whole reply arrived
  })
}
