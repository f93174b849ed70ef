// A real DNS server for tests: UDP and TCP on the same 127.0.0.1 port, answering from a DnsZone
// (the format of src/security/dns/dns-zone.ts) like a recursive resolver would. Point the server's
// resolver at it with `createResolver({ servers: [dns.address], … })`.
//
//   const dns = await startFakeDns({ 'example.test': { TXT: ['v=spf1 ip4:192.0.2.1 -all'] } })
//   … dns.queries.length, dns.setZone(…), dns.setBehavior({ rcode: 'SERVFAIL' }) …
//   await dns.close()
//
// UDP replies larger than the client's EDNS payload size (512 without EDNS) are truncated (TC set,
// no records), so the client's TCP fallback runs for real. Behaviours simulate broken servers.
import dgram from 'node:dgram'
import net from 'node:net'
import * as packet from 'dns-packet'
import { type DnsZone, lookupZone, type ZoneRecord } from '../../src/security/dns/dns-zone.ts'
import {
  isRecordType,
  type MxRecord,
  type SoaRecord,
  type SrvRecord,
  type TlsaRecord,
} from '../../src/security/dns/record-types.ts'

export interface FakeDnsBehavior {
  /** Answer every query with this RCODE and no records (e.g. 'SERVFAIL', 'REFUSED'). */
  rcode?: 'SERVFAIL' | 'REFUSED' | 'NOTIMP' | 'FORMERR'
  /** Never answer: clients time out. */
  silent?: boolean
  /** Answer FORMERR to queries carrying EDNS (an RFC 6891 §7 pre-EDNS server); plain queries work. */
  rejectEdns?: boolean
  /** Set TC on every UDP reply (records dropped), forcing TCP even for small answers. */
  truncateUdp?: boolean
  /**
   * Before the real UDP reply, send a forged one that must be ignored: 'id' uses another query id,
   * 'question' echoes another name; both carry the A record 192.0.2.66 / TXT "spoofed".
   */
  spoofFirst?: 'id' | 'question'
}

export interface FakeDnsQuery {
  name: string
  type: string
  transport: 'udp' | 'tcp'
}

export interface FakeDns {
  readonly host: '127.0.0.1'
  readonly port: number
  /** `127.0.0.1:PORT`, ready for `dns.servers`. */
  readonly address: string
  /** Every question received, in order. */
  readonly queries: FakeDnsQuery[]
  setZone(zone: DnsZone): void
  setBehavior(behavior: FakeDnsBehavior): void
  close(): Promise<void>
}

const RCODES: Record<string, number> = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 }

function wireData(record: ZoneRecord): unknown {
  switch (record.type) {
    case 'MX': {
      const mx = record.data as MxRecord
      return { preference: mx.priority, exchange: mx.exchange || '.' }
    }
    case 'TXT':
      // A copy: dns-packet's encode() replaces the strings with Buffers in place.
      return (record.data as string[]).map(s => Buffer.from(s))
    case 'SRV': {
      const srv = record.data as SrvRecord
      return { priority: srv.priority, weight: srv.weight, port: srv.port, target: srv.name }
    }
    case 'TLSA': {
      const t = record.data as TlsaRecord
      return { usage: t.usage, selector: t.selector, matchingType: t.matchingType, certificate: Buffer.from(t.data) }
    }
    default:
      return record.data
  }
}

const toAnswer = (r: ZoneRecord): packet.Answer =>
  ({ name: r.name, type: r.type, class: 'IN', ttl: r.ttl, data: wireData(r) }) as packet.Answer

type Decoded = packet.DecodedPacket

function requestPayloadSize(query: Decoded): number {
  const opt = (query.additionals ?? []).find(a => a.type === 'OPT') as packet.OptAnswer | undefined
  return opt ? Math.max(512, opt.udpPayloadSize) : 512
}

function respond(zone: DnsZone, behavior: FakeDnsBehavior, query: Decoded): packet.Packet {
  const question = query.questions?.[0]
  const hasOpt = (query.additionals ?? []).some(a => a.type === 'OPT')
  const base: packet.Packet = {
    id: query.id,
    type: 'response',
    questions: query.questions,
    additionals: hasOpt ? [{ type: 'OPT', name: '.', udpPayloadSize: 1232 } as packet.Answer] : [],
  }
  const flags = (query.flags ?? 0) & packet.RECURSION_DESIRED
  if (behavior.rejectEdns && hasOpt)
    return { ...base, additionals: [], flags: flags | packet.RECURSION_AVAILABLE | RCODES.FORMERR! }
  if (behavior.rcode) return { ...base, flags: flags | packet.RECURSION_AVAILABLE | (RCODES[behavior.rcode] ?? 2) }
  if (!question || !isRecordType(question.type))
    return { ...base, flags: flags | packet.RECURSION_AVAILABLE | RCODES.NOTIMP! }
  const answer = lookupZone(zone, question.name, question.type)
  const soa = answer.soa
  const authorities: packet.Answer[] = soa
    ? [{ name: soa.name, type: 'SOA', class: 'IN', ttl: soa.ttl, data: soa.data as SoaRecord } as packet.Answer]
    : []
  return {
    ...base,
    flags: flags | packet.RECURSION_AVAILABLE | (RCODES[answer.rcode] ?? 0),
    answers: answer.answers.map(toAnswer),
    authorities: answer.answers.some(a => a.type === question.type) ? [] : authorities,
  }
}

function forged(query: Decoded, kind: 'id' | 'question'): Buffer {
  const q = query.questions?.[0] ?? { name: 'x.invalid', type: 'A' as const }
  const name = kind === 'question' ? `forged.${q.name}` : q.name
  const data = q.type === 'TXT' ? [Buffer.from('spoofed')] : '192.0.2.66'
  const type = q.type === 'TXT' ? 'TXT' : 'A'
  return packet.encode({
    id: kind === 'id' ? ((query.id ?? 0) + 1) & 0xffff : query.id,
    type: 'response',
    flags: packet.RECURSION_AVAILABLE,
    questions: [{ name, type: q.type }],
    answers: [{ name, type, ttl: 60, data } as packet.Answer],
  })
}

async function bindPair(
  onUdp: (sock: dgram.Socket, msg: Buffer, peer: dgram.RemoteInfo) => void,
  onTcp: (sock: net.Socket) => void,
): Promise<{ udp: dgram.Socket; tcp: net.Server; port: number }> {
  for (let attempt = 0; attempt < 10; attempt++) {
    const udp = dgram.createSocket('udp4')
    udp.on('message', (msg, peer) => onUdp(udp, msg, peer))
    // A reply to a client that is gone (a server killed by a crash test) comes back as ICMP port
    // unreachable, which Linux reports on the next recvmsg as ECONNREFUSED: not our failure, and an
    // unhandled 'error' event would crash the test process.
    udp.on('error', () => {})
    await new Promise<void>(resolve => udp.bind(0, '127.0.0.1', () => resolve()))
    const port = udp.address().port
    const tcp = net.createServer(onTcp)
    const ok = await new Promise<boolean>(resolve => {
      tcp.once('error', () => resolve(false))
      tcp.listen(port, '127.0.0.1', () => resolve(true))
    })
    if (ok) return { udp, tcp, port }
    udp.close() // the TCP port was taken: try another pair
  }
  throw new Error('fake-dns: could not bind UDP and TCP on one port')
}

/** Start a fake DNS server on 127.0.0.1 (random port) answering from `zone`. */
export async function startFakeDns(zone: DnsZone, behavior: FakeDnsBehavior = {}): Promise<FakeDns> {
  let currentZone = zone
  let currentBehavior = behavior
  const queries: FakeDnsQuery[] = []
  const connections = new Set<net.Socket>()

  const decode = (bytes: Buffer): Decoded | undefined => {
    try {
      return packet.decode(bytes)
    } catch {
      return undefined
    }
  }
  const record = (query: Decoded, transport: 'udp' | 'tcp') => {
    const q = query.questions?.[0]
    if (q) queries.push({ name: q.name, type: q.type, transport })
  }

  const { udp, tcp, port } = await bindPair(
    (sock, msg, peer) => {
      const query = decode(msg)
      if (!query) return
      record(query, 'udp')
      const b = currentBehavior
      if (b.silent) return
      if (b.spoofFirst) sock.send(forged(query, b.spoofFirst), peer.port, peer.address)
      const reply = respond(currentZone, b, query)
      let bytes = packet.encode(reply)
      if (b.truncateUdp || bytes.length > requestPayloadSize(query)) {
        // RFC 2181 §9: a truncated reply; the client retries over TCP.
        bytes = packet.encode({
          ...reply,
          flags: (reply.flags ?? 0) | packet.TRUNCATED_RESPONSE,
          answers: [],
          authorities: [],
        })
      }
      sock.send(bytes, peer.port, peer.address)
    },
    socket => {
      connections.add(socket)
      socket.on('close', () => connections.delete(socket))
      socket.on('error', () => socket.destroy())
      let buffer = Buffer.alloc(0)
      socket.on('data', chunk => {
        buffer = Buffer.concat([buffer, chunk as Buffer])
        while (buffer.length >= 2 && buffer.length >= 2 + buffer.readUInt16BE(0)) {
          const size = buffer.readUInt16BE(0)
          const query = decode(buffer.subarray(2, 2 + size))
          buffer = buffer.subarray(2 + size)
          if (!query) {
            socket.destroy()
            return
          }
          record(query, 'tcp')
          if (currentBehavior.silent) continue
          const bytes = packet.encode(respond(currentZone, currentBehavior, query))
          const length = Buffer.alloc(2)
          length.writeUInt16BE(bytes.length)
          socket.write(Buffer.concat([length, bytes]))
        }
      })
    },
  )

  return {
    host: '127.0.0.1',
    port,
    address: `127.0.0.1:${port}`,
    queries,
    setZone: next => {
      currentZone = next
    },
    setBehavior: next => {
      currentBehavior = next
    },
    close: async () => {
      for (const c of connections) c.destroy()
      await Promise.all([
        new Promise<void>(resolve => udp.close(() => resolve())),
        new Promise<void>(resolve => tcp.close(() => resolve())),
      ])
    },
  }
}
