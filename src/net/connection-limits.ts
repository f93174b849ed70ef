// Connection admission: a total cap shared by every mail listener and a cap per client, so one
// address cannot take all slots. An IPv6 client usually owns a whole /64, so IPv6 addresses are
// counted per /64; IPv4-mapped IPv6 addresses count as the IPv4 address.

export interface ConnectionLimits {
  maxConnections: number
  maxConnectionsPerIp: number
}

export interface ConnectionLimiter {
  /** A release function if a slot was free (call it once on close; extra calls are ignored), else null. */
  tryAcquire(remoteAddress: string): (() => void) | null
  readonly total: number
  /** Open connections counted against this address's key. */
  countFor(remoteAddress: string): number
}

export function createConnectionLimiter(limits: ConnectionLimits): ConnectionLimiter {
  let total = 0
  const perClient = new Map<string, number>()
  return {
    tryAcquire(remoteAddress) {
      const key = clientKey(remoteAddress)
      const mine = perClient.get(key) ?? 0
      if (total >= limits.maxConnections || mine >= limits.maxConnectionsPerIp) return null
      total++
      perClient.set(key, mine + 1)
      let released = false
      return () => {
        if (released) return
        released = true
        total--
        const left = (perClient.get(key) ?? 1) - 1
        if (left <= 0) perClient.delete(key)
        else perClient.set(key, left)
      }
    },
    get total() {
      return total
    },
    countFor: remoteAddress => perClient.get(clientKey(remoteAddress)) ?? 0,
  }
}

/** The key a client's connections are counted under: the IPv4 address, or the IPv6 /64 prefix. */
export function clientKey(address: string): string {
  const lower = address.toLowerCase()
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(lower)
  if (mapped) return mapped[1] as string
  if (!lower.includes(':')) return lower
  const groups = expandIpv6(lower.replace(/%.*$/, ''))
  return groups ? `${groups.slice(0, 4).join(':')}::/64` : lower
}

/** Eight 16-bit groups of an IPv6 address (no leading zeros), or null if it is not one. */
function expandIpv6(address: string): string[] | null {
  const halves = address.split('::')
  if (halves.length > 2) return null
  const part = (s: string | undefined) => (s ? s.split(':') : [])
  const head = part(halves[0])
  const tail = part(halves[1])
  // An embedded IPv4 tail (::1.2.3.4) takes two groups.
  const last = tail.length ? tail[tail.length - 1] : head[head.length - 1]
  const v4 = last && /^\d{1,3}(?:\.\d{1,3}){3}$/.test(last) ? last : null
  const list = v4 ? (tail.length ? tail : head) : null
  if (v4 && list) {
    const [a, b, c, d] = v4.split('.').map(Number) as [number, number, number, number]
    list.splice(list.length - 1, 1, ((a << 8) | b).toString(16), ((c << 8) | d).toString(16))
  }
  const missing = 8 - head.length - tail.length
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null
  const groups = [...head, ...Array<string>(halves.length === 1 ? 0 : missing).fill('0'), ...tail]
  if (!groups.every(g => /^[0-9a-f]{1,4}$/.test(g))) return null
  return groups.map(g => g.replace(/^0+(?=.)/, ''))
}
