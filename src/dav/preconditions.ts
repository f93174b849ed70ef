// Conditional requests (RFC 7232 §3.1-3.2) against one resource's strong ETag: If-Match and
// If-None-Match, with "*" and lists. DAV clients use them to avoid overwriting each other's changes
// (RFC 4791 §5.3.4); a failed condition is 412 and nothing is written. For GET and HEAD a matching
// If-None-Match is 304 Not Modified instead (§3.2).
import { DavError, preconditionFailed } from './dav-error.ts'

export type EtagCondition = '*' | string[]

/** Parse an If-Match / If-None-Match value; weak tags (W/"…") never match strongly, so they are dropped. */
export function parseEtagCondition(header: string | null): EtagCondition | null {
  if (header === null) return null
  const trimmed = header.trim()
  if (trimmed === '*') return '*'
  const tags: string[] = []
  for (const match of trimmed.matchAll(/(W\/)?("[^"]*")/g)) {
    if (!match[1] && match[2]) tags.push(match[2])
  }
  return tags
}

export interface ConditionHeaders {
  ifMatch: EtagCondition | null
  ifNoneMatch: EtagCondition | null
}

export function conditionHeaders(headers: Headers): ConditionHeaders {
  return {
    ifMatch: parseEtagCondition(headers.get('if-match')),
    ifNoneMatch: parseEtagCondition(headers.get('if-none-match')),
  }
}

/** Throws 412 (or 304 for reads) when the conditions do not hold for `current` (null = no resource). */
export function checkConditions(
  conditions: ConditionHeaders,
  current: { etag: string } | null,
  options: { read?: boolean } = {},
): void {
  const { ifMatch, ifNoneMatch } = conditions
  if (ifMatch !== null) {
    const ok = current !== null && (ifMatch === '*' || ifMatch.includes(current.etag))
    if (!ok)
      throw preconditionFailed(
        current ? 'the resource was changed (If-Match)' : 'the resource does not exist (If-Match)',
      )
  }
  if (ifNoneMatch !== null) {
    const matches = current !== null && (ifNoneMatch === '*' || ifNoneMatch.includes(current.etag))
    if (matches) {
      if (options.read) throw new DavError(304, 'not modified', undefined, { etag: current.etag })
      throw preconditionFailed('the resource already exists (If-None-Match)')
    }
  }
}
