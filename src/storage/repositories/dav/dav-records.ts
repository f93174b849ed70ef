// What the DAV repository hands out: collections and objects as plain records (no SQL types), and
// the row mappers that build them.
import type { davCollections, davObjects } from '../../db/schema-dav.ts'

export type DavCollectionKind = 'calendar' | 'addressbook'

export interface DavCollectionRecord {
  id: number
  accountId: number
  kind: DavCollectionKind
  name: string
  displayName: string | null
  description: string | null
  color: string | null
  /** A VCALENDAR text holding one VTIMEZONE (RFC 4791 §5.2.2), or null. */
  timezone: string | null
  /** Component names a calendar accepts; null for address books. */
  components: string[] | null
  /** Dead properties: "{namespace}name" → the serialized XML element. */
  properties: Record<string, string>
  /** Number of the last change; 0 for a new collection. */
  syncSeq: number
  createdAt: number
  updatedAt: number
}

export interface CreateCollectionInput {
  accountId: number
  kind: DavCollectionKind
  name: string
  displayName?: string | null
  description?: string | null
  color?: string | null
  timezone?: string | null
  components?: string[] | null
  properties?: Record<string, string>
}

export interface CollectionChanges {
  displayName?: string | null
  description?: string | null
  color?: string | null
  timezone?: string | null
  /** Dead properties to set (string) or remove (null). */
  properties?: Record<string, string | null>
}

/** An object without its body: enough for PROPFIND, ETag checks and sync reports. */
export interface DavObjectMeta {
  id: number
  collectionId: number
  name: string
  uid: string
  etag: string
  componentType: string
  contentType: string
  size: number
  firstStart: number | null
  lastEnd: number | null
  modSeq: number
  createdAt: number
  updatedAt: number
}

export interface DavObjectRecord extends DavObjectMeta {
  /** Exactly the bytes the client stored. */
  body: Uint8Array
}

export interface PutObjectInput {
  name: string
  uid: string
  etag: string
  componentType: string
  contentType: string
  body: Uint8Array
  firstStart: number | null
  lastEnd: number | null
}

/** One entry of a sync report: the latest change of a member since the token. */
export interface DavChange {
  name: string
  seq: number
  deleted: boolean
}

type CollectionRow = typeof davCollections.$inferSelect
type ObjectRow = typeof davObjects.$inferSelect

export function toCollectionRecord(row: CollectionRow): DavCollectionRecord {
  return {
    id: row.id,
    accountId: row.accountId,
    kind: row.kind,
    name: row.name,
    displayName: row.displayName,
    description: row.description,
    color: row.color,
    timezone: row.timezone,
    components: row.components === null ? null : row.components.split(',').filter(c => c !== ''),
    properties: parseProperties(row.properties),
    syncSeq: row.syncSeq,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  }
}

export function toObjectMeta(row: Omit<ObjectRow, 'body'>): DavObjectMeta {
  return {
    id: row.id,
    collectionId: row.collectionId,
    name: row.name,
    uid: row.uid,
    etag: row.etag,
    componentType: row.componentType,
    contentType: row.contentType,
    size: row.size,
    firstStart: row.firstStart,
    lastEnd: row.lastEnd,
    modSeq: row.modSeq,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  }
}

export function toObjectRecord(row: ObjectRow): DavObjectRecord {
  return { ...toObjectMeta(row), body: new Uint8Array(row.body) }
}

function parseProperties(json: string): Record<string, string> {
  try {
    const value: unknown = JSON.parse(json)
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return {}
    const out: Record<string, string> = {}
    for (const [k, v] of Object.entries(value)) if (typeof v === 'string') out[k] = v
    return out
  } catch {
    return {}
  }
}
