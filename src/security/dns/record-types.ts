// Record data per type, in the shapes Node's dns module returns (mailauth expects those).

export interface MxRecord {
  /** Host name without the trailing dot; '' for a null MX (RFC 7505). */
  exchange: string
  priority: number
}

export interface SoaRecord {
  mname: string
  rname: string
  serial: number
  refresh: number
  retry: number
  expire: number
  /** Negative-caching TTL (RFC 2308 §4). */
  minimum: number
}

export interface SrvRecord {
  priority: number
  weight: number
  port: number
  /** Target host. */
  name: string
}

export interface TlsaRecord {
  usage: number
  selector: number
  matchingType: number
  data: Uint8Array
}

export interface RecordData {
  A: string
  AAAA: string
  CNAME: string
  NS: string
  PTR: string
  MX: MxRecord
  /** One record = its character-strings, in order (RFC 1035 §3.3.14); join them for the value. */
  TXT: string[]
  SOA: SoaRecord
  SRV: SrvRecord
  TLSA: TlsaRecord
}

export type RecordType = keyof RecordData

export const RECORD_TYPES: readonly RecordType[] = [
  'A',
  'AAAA',
  'CNAME',
  'NS',
  'PTR',
  'MX',
  'TXT',
  'SOA',
  'SRV',
  'TLSA',
]

export const isRecordType = (t: string): t is RecordType => (RECORD_TYPES as readonly string[]).includes(t)
