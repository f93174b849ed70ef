// Building queries and checking replies (RFC 1035 §4.1). Every query gets a fresh random id and
// advertises EDNS0 with a 1232-byte UDP payload (RFC 6891; the DNS flag day 2020 size, which avoids
// IP fragmentation). A reply counts only if it is a response with our id and repeats our question
// exactly (RFC 5452 §9.1 anti-spoofing); anything else is ignored.
import type * as packet from 'dns-packet'

// Required on the first query, not at start: an idle server does not pay its ~3 MB (issue 3's RSS budget).
let dnsPacket: typeof packet | null = null
const codec = (): typeof packet => {
  dnsPacket ??= require('dns-packet') as typeof packet
  return dnsPacket
}

export const EDNS_UDP_PAYLOAD = 1232

/** dns-packet decodes `rcode` but @types/dns-packet does not declare it. */
export type DnsReply = packet.DecodedPacket & { rcode?: string }

export interface DnsQuery {
  id: number
  name: string
  type: string
  edns: boolean
  bytes: Buffer
}

export function buildQuery(name: string, type: string, edns = true, randomId = randomQueryId): DnsQuery {
  const id = randomId()
  const { encode, RECURSION_DESIRED } = codec()
  const bytes = encode({
    type: 'query',
    id,
    flags: RECURSION_DESIRED,
    questions: [{ type: type as packet.RecordType, name, class: 'IN' }],
    additionals: edns ? [{ type: 'OPT', name: '.', udpPayloadSize: EDNS_UDP_PAYLOAD } as packet.Answer] : [],
  })
  return { id, name, type, edns, bytes }
}

export function randomQueryId(): number {
  return crypto.getRandomValues(new Uint16Array(1))[0] as number
}

/** Decode bytes; undefined when they are not a DNS message. */
export function decodeReply(bytes: Uint8Array): DnsReply | undefined {
  try {
    return codec().decode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)) as DnsReply
  } catch {
    return undefined
  }
}

/** True when `reply` answers exactly `query`. */
export function replyMatches(query: DnsQuery, reply: DnsReply): boolean {
  if (reply.id !== query.id || reply.type !== 'response') return false
  const questions = reply.questions ?? []
  if (questions.length !== 1) return false
  const q = questions[0] as packet.Question
  return (
    q.name.toLowerCase().replace(/\.$/, '') === query.name.toLowerCase().replace(/\.$/, '') &&
    q.type === query.type &&
    (q.class ?? 'IN') === 'IN'
  )
}

export const isTruncated = (reply: DnsReply): boolean => ((reply.flags ?? 0) & codec().TRUNCATED_RESPONSE) !== 0
