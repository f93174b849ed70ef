// Keyset pagination for list operations: `limit` items after the opaque `cursor`, and the cursor
// of the next page (null on the last). Cursors encode the last key seen, not an offset, so a page
// stays correct while rows are added or removed before it.
import { ApiError } from './api-error.ts'

export interface Page<T> {
  items: T[]
  nextCursor: string | null
}

export const encodeCursor = (key: string | number): string =>
  Buffer.from(JSON.stringify({ k: key })).toString('base64url')

/** The key inside a cursor; throws 400 `invalid_cursor` for anything we did not issue. */
export function decodeCursor<K extends 'string' | 'number'>(
  cursor: string | undefined,
  kind: K,
): (K extends 'string' ? string : number) | undefined {
  if (cursor === undefined) return undefined
  let key: unknown
  try {
    key = (JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { k?: unknown }).k
  } catch {
    key = undefined
  }
  if (typeof key !== kind) throw new ApiError(400, 'invalid_cursor', 'cursor is not one this server issued')
  return key as K extends 'string' ? string : number
}

/** One page of an in-memory list, ordered by `keyOf` (sorted here, by code units). */
export function pageByKey<T>(
  all: readonly T[],
  keyOf: (item: T) => string,
  limit: number,
  cursor: string | undefined,
): Page<T> {
  const after = decodeCursor(cursor, 'string')
  const sorted = [...all].sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0))
  const rest = after === undefined ? sorted : sorted.filter(item => keyOf(item) > after)
  const items = rest.slice(0, limit)
  const last = items[items.length - 1]
  return { items, nextCursor: rest.length > limit && last !== undefined ? encodeCursor(keyOf(last)) : null }
}
