// text-match (RFC 4791 §9.7.5, RFC 6352 §10.5.4) with the collations both RFCs require
// (RFC 4790 §9: i;octet and i;ascii-casemap; RFC 6352 adds i;unicode-casemap, RFC 5051, as default).
// CalDAV matches substrings only; CardDAV adds equals / starts-with / ends-with.
import { DavError, davPrecondition } from './dav-error.ts'
import type { XmlElement } from './xml/parse-dav-xml.ts'
import { textContent } from './xml/xml-elements.ts'

export type Collation = 'i;octet' | 'i;ascii-casemap' | 'i;unicode-casemap'
export type MatchType = 'equals' | 'contains' | 'starts-with' | 'ends-with'

export interface TextMatch {
  text: string
  collation: Collation
  matchType: MatchType
  negate: boolean
}

const COLLATIONS: readonly string[] = ['i;octet', 'i;ascii-casemap', 'i;unicode-casemap']
const MATCH_TYPES: readonly string[] = ['equals', 'contains', 'starts-with', 'ends-with']

/** Parse a text-match element; `namespace` selects the supported-collation precondition to report. */
export function parseTextMatch(element: XmlElement, namespace: string, defaultCollation: Collation): TextMatch {
  const collation = element.getAttribute('collation') || defaultCollation
  if (!COLLATIONS.includes(collation)) {
    throw davPrecondition(403, namespace, 'supported-collation', `collation ${collation.slice(0, 40)} is not supported`)
  }
  const matchType = element.getAttribute('match-type') || 'contains'
  if (!MATCH_TYPES.includes(matchType)) throw new DavError(400, `unknown match-type ${matchType.slice(0, 40)}`)
  const negate = (element.getAttribute('negate-condition') || 'no').toLowerCase()
  if (negate !== 'yes' && negate !== 'no') throw new DavError(400, 'negate-condition must be yes or no')
  return {
    text: textContent(element),
    collation: collation as Collation,
    matchType: matchType as MatchType,
    negate: negate === 'yes',
  }
}

function fold(value: string, collation: Collation): string {
  if (collation === 'i;octet') return value
  if (collation === 'i;ascii-casemap') return value.replace(/[A-Z]/g, c => c.toLowerCase())
  // RFC 5051: titlecase/casefold after canonical decomposition; lower-casing the NFKD form is the
  // practical equivalent for search.
  return value.normalize('NFKD').toLowerCase()
}

export function textMatches(match: TextMatch, value: string): boolean {
  const haystack = fold(value, match.collation)
  const needle = fold(match.text, match.collation)
  let hit: boolean
  switch (match.matchType) {
    case 'equals':
      hit = haystack === needle
      break
    case 'starts-with':
      hit = haystack.startsWith(needle)
      break
    case 'ends-with':
      hit = haystack.endsWith(needle)
      break
    default:
      hit = haystack.includes(needle)
  }
  return match.negate ? !hit : hit
}
