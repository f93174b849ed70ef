// Sync tokens (RFC 6578 §3.1: an opaque URI) and CalendarServer's getctag. A token names one
// collection and one change number, so a token from another collection — or from a collection that
// was deleted and re-created under the same name — is recognised as invalid (§3.2 valid-sync-token).
import type { DavCollectionRecord } from '../storage/repositories/dav/dav-records.ts'

const PREFIX = 'http://mail-server.invalid/ns/sync/'

export const syncTokenOf = (collection: Pick<DavCollectionRecord, 'id' | 'syncSeq'>, seq = collection.syncSeq) =>
  `${PREFIX}${collection.id}-${seq}`

/** The change number in `token` when it belongs to `collectionId`; null otherwise. */
export function parseSyncToken(token: string, collectionId: number): number | null {
  if (!token.startsWith(PREFIX)) return null
  const match = /^(\d+)-(\d+)$/.exec(token.slice(PREFIX.length))
  if (!match || Number(match[1]) !== collectionId) return null
  const seq = Number(match[2])
  return Number.isSafeInteger(seq) ? seq : null
}
