// Short unique ids for connections, requests and queue entries: sortable by time, URL-safe.
// Within one millisecond, ids of this process keep increasing (the random tail of the previous id
// plus one, as ULID's monotonic mode does), so "ORDER BY id" is creation order even for rows made
// in the same millisecond.
const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz'
const TAIL_LENGTH = 8

let lastTime = ''
let lastTail: number[] = []

export function newId(prefix = ''): string {
  const time = Date.now().toString(36)
  if (time === lastTime && incrementTail(lastTail)) {
    return `${prefix}${time}${lastTail.map(d => ALPHABET[d]).join('')}`
  }
  lastTime = time
  lastTail = Array.from(crypto.getRandomValues(new Uint8Array(TAIL_LENGTH)), b => b % 36)
  // Leave room to count up: the first digit below the top third means ~1.6e12 increments per ms.
  lastTail[0] = (lastTail[0] as number) % 24
  return `${prefix}${time}${lastTail.map(d => ALPHABET[d]).join('')}`
}

/** Add one to a base-36 digit array in place; false on overflow (then a fresh random tail is drawn). */
function incrementTail(digits: number[]): boolean {
  for (let i = digits.length - 1; i >= 0; i--) {
    const d = (digits[i] as number) + 1
    if (d < 36) {
      digits[i] = d
      return true
    }
    digits[i] = 0
  }
  return false
}
