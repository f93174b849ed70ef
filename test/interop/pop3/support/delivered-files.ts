// Check what a POP3 client delivered to local files against what was put into the server.
// fetchmail (to an MDA) and getmail6 (to a Maildir) both write messages with the local line end LF,
// so the comparison is byte for byte against the original with CRLF turned into LF; nothing else
// may differ (no added Received/Delivered-To fields: both clients are configured not to add them).
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

/** Every file in `dir`, keyed by the number in its "Subject: message N" line. */
export function deliveredByNumber(dir: string): Map<number, Buffer[]> {
  const out = new Map<number, Buffer[]>()
  for (const name of readdirSync(dir)) {
    const bytes = readFileSync(join(dir, name))
    const match = /^Subject: message (\d+)$/m.exec(bytes.toString('latin1'))
    const n = match ? Number(match[1]) : -1
    out.set(n, [...(out.get(n) ?? []), bytes])
  }
  return out
}

/** Problems found (empty when every message arrived exactly once and unchanged). */
export function compareDeliveries(dir: string, originals: ReadonlyMap<number, Uint8Array>): string[] {
  const delivered = deliveredByNumber(dir)
  const problems: string[] = []
  for (const [n, original] of originals) {
    const copies = delivered.get(n) ?? []
    if (copies.length !== 1) {
      problems.push(`message ${n}: ${copies.length} copies`)
      continue
    }
    const expected = Buffer.from(Buffer.from(original).toString('latin1').replace(/\r\n/g, '\n'), 'latin1')
    if (!(copies[0] as Buffer).equals(expected)) problems.push(`message ${n}: content differs`)
  }
  for (const n of delivered.keys()) if (!originals.has(n)) problems.push(`unexpected message ${n}`)
  return problems
}
