// IP address text → the octets of an iPAddress subjectAltName (RFC 5280 §4.2.1.6: 4 octets for IPv4,
// 16 for IPv6, network byte order). Pure; undefined for anything that is not an address.

/** Dotted-quad IPv4 (no leading zeros, which some parsers read as octal) → 4 octets. */
export function ipv4Bytes(text: string): Uint8Array | undefined {
  const parts = text.split('.')
  if (parts.length !== 4 || !parts.every(part => /^(?:0|[1-9]\d{0,2})$/.test(part) && Number(part) <= 255))
    return undefined
  return Uint8Array.from(parts.map(Number))
}

/** RFC 4291 §2.2 text (with '::' and an optional trailing dotted quad) → 16 octets. */
export function ipv6Bytes(text: string): Uint8Array | undefined {
  if (!text.includes(':')) return undefined
  const halves = text.split('::')
  if (halves.length > 2) return undefined
  const groupsOf = (part: string): number[] | undefined => {
    if (part === '') return []
    const groups: number[] = []
    const pieces = part.split(':')
    for (const [index, piece] of pieces.entries()) {
      if (index === pieces.length - 1 && piece.includes('.')) {
        const v4 = ipv4Bytes(piece)
        if (!v4) return undefined
        groups.push(((v4[0] as number) << 8) | (v4[1] as number), ((v4[2] as number) << 8) | (v4[3] as number))
      } else if (/^[0-9a-f]{1,4}$/i.test(piece)) groups.push(Number.parseInt(piece, 16))
      else return undefined
    }
    return groups
  }
  const head = groupsOf(halves[0] as string)
  const tail = halves.length === 2 ? groupsOf(halves[1] as string) : []
  if (!head || !tail) return undefined
  const missing = 8 - head.length - tail.length
  // '::' stands for at least one zero group; without it there must be exactly eight.
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined
  const groups = [...head, ...new Array<number>(missing).fill(0), ...tail]
  return Uint8Array.from(groups.flatMap(group => [group >> 8, group & 0xff]))
}

/** IPv4 or IPv6 text → SAN octets; undefined when `text` is a host name. */
export function ipAddressBytes(text: string): Uint8Array | undefined {
  return ipv4Bytes(text) ?? ipv6Bytes(text)
}
