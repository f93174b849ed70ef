// Selector names for new keys: `<date><kind>` (e.g. `s20260102r` for RSA, `s20260102e` for Ed25519),
// so a rotation publishes a new name next to the old one (RFC 6376 §3.1: selectors exist to allow
// several keys, and to retire one without a gap). A second rotation the same day adds `-2`, `-3`…
import type { DkimAlgorithm } from './generate-dkim-key.ts'

/** RFC 6376 §3.1: a selector is a sub-domain: labels of letters, digits and hyphens. */
const SELECTOR = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/

export const isValidSelector = (selector: string): boolean => SELECTOR.test(selector)

export function newSelector(algorithm: DkimAlgorithm, now: Date, taken: ReadonlySet<string>): string {
  const date = now.toISOString().slice(0, 10).replace(/-/g, '')
  const base = `s${date}${algorithm === 'rsa-sha256' ? 'r' : 'e'}`
  if (!taken.has(base)) return base
  for (let n = 2; ; n++) if (!taken.has(`${base}-${n}`)) return `${base}-${n}`
}
