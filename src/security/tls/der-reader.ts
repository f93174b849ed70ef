// A minimal DER (ITU-T X.690 §8, §10) reader: enough to walk an X.509 certificate (RFC 5280 §4.1) and a
// PKCS#8 key (RFC 5208 §5) without loading node:crypto. Pure: bytes in, nodes out; every malformed or
// truncated input throws a DerError instead of reading past the end.

export class DerError extends Error {
  override name = 'DerError'
}

/** One TLV. `tag` is the whole identifier octet (class bits + constructed bit + number). */
export interface DerNode {
  tag: number
  /** The full TLV, header included (what a signature or fingerprint covers). */
  raw: Uint8Array
  /** The value octets. */
  content: Uint8Array
}

/** Universal and context tags this module's callers look for (X.690 §8.1.2; X.680 §8.6). */
export const DerTag = {
  integer: 0x02,
  bitString: 0x03,
  octetString: 0x04,
  null: 0x05,
  oid: 0x06,
  utf8String: 0x0c,
  sequence: 0x30,
  set: 0x31,
  utcTime: 0x17,
  generalizedTime: 0x18,
} as const

/** Context-specific tag [n], constructed or primitive (X.690 §8.1.2.2). */
export const contextTag = (n: number, constructed: boolean) => 0x80 | (constructed ? 0x20 : 0) | n

/** Read the TLV starting at `offset`; it must fit inside `bytes`. */
export function readDer(bytes: Uint8Array, offset = 0): DerNode {
  if (offset + 2 > bytes.length) throw new DerError(`truncated DER header at offset ${offset}`)
  const tag = bytes[offset] as number
  // High tag numbers (X.690 §8.1.2.4) never occur in certificates or keys.
  if ((tag & 0x1f) === 0x1f) throw new DerError(`unsupported high tag number at offset ${offset}`)
  let length = bytes[offset + 1] as number
  let header = 2
  if (length & 0x80) {
    const octets = length & 0x7f
    // 0x80 is the indefinite form, which DER forbids (X.690 §10.1); more than 4 octets is no real length.
    if (octets === 0 || octets > 4) throw new DerError(`unsupported length form at offset ${offset}`)
    if (offset + 2 + octets > bytes.length) throw new DerError(`truncated DER length at offset ${offset}`)
    length = 0
    for (let i = 0; i < octets; i++) length = length * 256 + (bytes[offset + 2 + i] as number)
    header += octets
  }
  const end = offset + header + length
  if (end > bytes.length) throw new DerError(`DER value at offset ${offset} runs past the end (${length} bytes)`)
  return { tag, raw: bytes.subarray(offset, end), content: bytes.subarray(offset + header, end) }
}

/** The TLVs inside a constructed node, which must fill it exactly. */
export function derChildren(node: DerNode): DerNode[] {
  if (!(node.tag & 0x20)) throw new DerError(`tag 0x${node.tag.toString(16)} is not constructed`)
  const children: DerNode[] = []
  for (let offset = 0; offset < node.content.length; ) {
    const child = readDer(node.content, offset)
    children.push(child)
    offset += child.raw.length
  }
  return children
}

/** Read exactly one TLV that fills `bytes` (a whole certificate or key, no trailing data). */
export function readDerDocument(bytes: Uint8Array): DerNode {
  const node = readDer(bytes)
  if (node.raw.length !== bytes.length)
    throw new DerError(`${bytes.length - node.raw.length} bytes after the DER value`)
  return node
}

/** Check a node's tag, naming `what` in the error. */
export function expectTag(node: DerNode | undefined, tag: number, what: string): DerNode {
  if (!node) throw new DerError(`${what} is missing`)
  if (node.tag !== tag)
    throw new DerError(`${what}: expected tag 0x${tag.toString(16)}, got 0x${node.tag.toString(16)}`)
  return node
}

/** OBJECT IDENTIFIER → dotted text (X.690 §8.19). */
export function decodeOid(node: DerNode): string {
  const bytes = expectTag(node, DerTag.oid, 'object identifier').content
  if (bytes.length === 0) throw new DerError('empty object identifier')
  const arcs: number[] = []
  let value = 0
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i] as number
    if (value === 0 && byte === 0x80) throw new DerError('object identifier arc with a leading 0x80')
    value = value * 128 + (byte & 0x7f)
    if (byte & 0x80) {
      if (i === bytes.length - 1) throw new DerError('truncated object identifier')
      continue
    }
    if (arcs.length === 0) {
      // The first subidentifier packs the first two arcs (X.690 §8.19.4).
      const first = value < 80 ? Math.floor(value / 40) : 2
      arcs.push(first, value - first * 40)
    } else arcs.push(value)
    value = 0
  }
  return arcs.join('.')
}

/** BIT STRING value without its unused-bits octet; keys and signatures use whole octets. */
export function bitStringBytes(node: DerNode): Uint8Array {
  const content = expectTag(node, DerTag.bitString, 'bit string').content
  if (content.length === 0 || content[0] !== 0) throw new DerError('bit string with unused bits')
  return content.subarray(1)
}

/** UTCTime / GeneralizedTime in the forms RFC 5280 §4.1.2.5 allows (UTC, seconds, 'Z'). */
export function decodeTime(node: DerNode): Date {
  const text = new TextDecoder().decode(node.content)
  let match: RegExpExecArray | null
  let year: number
  if (node.tag === DerTag.utcTime) {
    match = /^(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)Z$/.exec(text)
    // RFC 5280 §4.1.2.5.1: YY >= 50 is 19YY, otherwise 20YY.
    if (match) year = Number(match[1]) + (Number(match[1]) >= 50 ? 1900 : 2000)
  } else if (node.tag === DerTag.generalizedTime) {
    match = /^(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(?:\.\d+)?Z$/.exec(text)
    if (match) year = Number(match[1])
  } else throw new DerError(`tag 0x${node.tag.toString(16)} is not a time`)
  if (!match) throw new DerError(`malformed time ${JSON.stringify(text)}`)
  const [month, day, hour, minute, second] = match.slice(2, 7).map(Number) as [number, number, number, number, number]
  const date = new Date(Date.UTC(year!, month - 1, day, hour, minute, second))
  if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) {
    throw new DerError(`invalid time ${JSON.stringify(text)}`)
  }
  return date
}
