// Short unique ids for connections, requests and queue entries: sortable by time, URL-safe.
const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz'

export function newId(prefix = ''): string {
  const time = Date.now().toString(36)
  const rand = crypto.getRandomValues(new Uint8Array(8))
  let tail = ''
  for (const b of rand) tail += ALPHABET[b % 36]
  return `${prefix}${time}${tail}`
}
