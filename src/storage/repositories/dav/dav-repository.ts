// Storage of CalDAV/CardDAV collections and objects (DESIGN.md "Storage contract": only repositories
// touch SQL). Object bodies are stored as the exact bytes received. Every change to a collection's
// members takes the next `sync_seq` and writes a `dav_changes` row in the same transaction, so a
// sync token (collection id, seq) always names a consistent state (RFC 6578 §3.1).
//
// Writes take a `check` callback that runs inside the write transaction with the current object (or
// null): If-Match / If-None-Match preconditions are evaluated there, so nothing can change between the
// check and the write.
import { and, asc, eq, gt, gte, inArray, isNull, lt, or, sql, sum } from 'drizzle-orm'
import type { Clock } from '../../../core/clock.ts'
import type { MailDb } from '../../db/open-database.ts'
import { davChanges, davCollections, davObjects } from '../../db/schema-dav.ts'
import { davCollectionExists, davInvalidSyncToken, davUidConflict, davUnknownCollection } from './dav-errors.ts'
import {
  type CollectionChanges,
  type CreateCollectionInput,
  type DavChange,
  type DavCollectionKind,
  type DavCollectionRecord,
  type DavObjectMeta,
  type DavObjectRecord,
  type PutObjectInput,
  toCollectionRecord,
  toObjectMeta,
  toObjectRecord,
} from './dav-records.ts'

/** Called inside the write transaction with the current object (null: none); throw to abort. */
export type ObjectCheck = (current: DavObjectMeta | null) => void

export interface PutObjectResult {
  object: DavObjectMeta
  created: boolean
}

export interface CopyObjectOptions {
  /** Remove the source too (MOVE). */
  move: boolean
  /** Runs with the destination's current object before anything is written. */
  checkDestination: ObjectCheck
}

export interface DavRepository {
  listCollections(accountId: number, kind: DavCollectionKind): Promise<DavCollectionRecord[]>
  getCollection(accountId: number, kind: DavCollectionKind, name: string): Promise<DavCollectionRecord | null>
  createCollection(input: CreateCollectionInput): Promise<DavCollectionRecord>
  /** Create each default whose kind has no collection yet (first access of an account). */
  ensureCollections(
    accountId: number,
    kind: DavCollectionKind,
    defaults: readonly CreateCollectionInput[],
  ): Promise<void>
  updateCollection(id: number, changes: CollectionChanges): Promise<DavCollectionRecord>
  deleteCollection(id: number): Promise<void>

  /** Members without bodies, in name order. */
  listObjects(collectionId: number): Promise<DavObjectMeta[]>
  /** Members with bodies; with a range, only those whose stored bounds may overlap [start, end). */
  listObjectBodies(
    collectionId: number,
    range?: { start: number | null; end: number | null },
  ): Promise<DavObjectRecord[]>
  getObject(collectionId: number, name: string): Promise<DavObjectRecord | null>
  getObjectMeta(collectionId: number, name: string): Promise<DavObjectMeta | null>
  getObjects(collectionId: number, names: readonly string[]): Promise<DavObjectRecord[]>
  putObject(collectionId: number, input: PutObjectInput, check: ObjectCheck): Promise<PutObjectResult>
  /** Returns false when there was nothing to delete. */
  deleteObject(collectionId: number, name: string, check: ObjectCheck): Promise<boolean>
  /** COPY/MOVE of one object; the destination keeps body, UID and ETag. */
  copyObject(
    source: { collectionId: number; name: string },
    destination: { collectionId: number; name: string },
    options: CopyObjectOptions,
  ): Promise<PutObjectResult>

  /** The latest change per member after `seq`, oldest first; throws dav_invalid_sync_token when seq is unknown. */
  changesSince(collectionId: number, seq: number): Promise<DavChange[]>
  /** Bytes of all DAV objects of an account (quota-used-bytes, RFC 4331). */
  usedBytes(accountId: number): Promise<number>
}

export interface DavRepositoryOptions {
  db: MailDb
  clock: Clock
}

// SQLite's limit on bound parameters is 32766; multiget names go in chunks well below it.
const IN_CHUNK = 500

export function createDavRepository(options: DavRepositoryOptions): DavRepository {
  const { db, clock } = options

  const metaColumns = {
    id: davObjects.id,
    collectionId: davObjects.collectionId,
    name: davObjects.name,
    uid: davObjects.uid,
    etag: davObjects.etag,
    componentType: davObjects.componentType,
    contentType: davObjects.contentType,
    size: davObjects.size,
    firstStart: davObjects.firstStart,
    lastEnd: davObjects.lastEnd,
    modSeq: davObjects.modSeq,
    createdAt: davObjects.createdAt,
    updatedAt: davObjects.updatedAt,
  }

  type Tx = Parameters<Parameters<MailDb['transaction']>[0]>[0]

  const findMeta = (tx: Tx | MailDb, collectionId: number, name: string): DavObjectMeta | null => {
    const row = tx
      .select(metaColumns)
      .from(davObjects)
      .where(and(eq(davObjects.collectionId, collectionId), eq(davObjects.name, name)))
      .get()
    return row ? toObjectMeta(row) : null
  }

  /** Take the collection's next seq and log the change; throws when the collection is gone. */
  const recordChange = (tx: Tx, collectionId: number, name: string, deleted: boolean): number => {
    const row = tx
      .update(davCollections)
      .set({ syncSeq: sql`${davCollections.syncSeq} + 1`, updatedAt: clock.now() })
      .where(eq(davCollections.id, collectionId))
      .returning({ seq: davCollections.syncSeq })
      .get()
    if (!row) throw davUnknownCollection(collectionId)
    tx.insert(davChanges).values({ collectionId, seq: row.seq, name, deleted }).run()
    return row.seq
  }

  /** Insert or replace `name` in a collection; the UID must not belong to another member. */
  const writeObject = (tx: Tx, collectionId: number, input: PutObjectInput, current: DavObjectMeta | null) => {
    const clash = tx
      .select({ name: davObjects.name })
      .from(davObjects)
      .where(and(eq(davObjects.collectionId, collectionId), eq(davObjects.uid, input.uid)))
      .all()
      .find(r => r.name !== input.name)
    if (clash) throw davUidConflict(input.uid, clash.name)
    const seq = recordChange(tx, collectionId, input.name, false)
    const now = clock.now()
    const values = {
      uid: input.uid,
      etag: input.etag,
      componentType: input.componentType,
      contentType: input.contentType,
      body: Buffer.from(input.body.buffer, input.body.byteOffset, input.body.byteLength),
      size: input.body.byteLength,
      firstStart: input.firstStart,
      lastEnd: input.lastEnd,
      modSeq: seq,
      updatedAt: now,
    }
    if (current) {
      tx.update(davObjects).set(values).where(eq(davObjects.id, current.id)).run()
    } else {
      tx.insert(davObjects)
        .values({ ...values, collectionId, name: input.name, createdAt: now })
        .run()
    }
    const written = findMeta(tx, collectionId, input.name)
    if (!written) throw new Error('object vanished inside its own transaction')
    return { object: written, created: current === null }
  }

  return {
    async listCollections(accountId, kind) {
      return db
        .select()
        .from(davCollections)
        .where(and(eq(davCollections.accountId, accountId), eq(davCollections.kind, kind)))
        .orderBy(asc(davCollections.id))
        .all()
        .map(toCollectionRecord)
    },

    async getCollection(accountId, kind, name) {
      const row = db
        .select()
        .from(davCollections)
        .where(
          and(eq(davCollections.accountId, accountId), eq(davCollections.kind, kind), eq(davCollections.name, name)),
        )
        .get()
      return row ? toCollectionRecord(row) : null
    },

    async createCollection(input) {
      const now = clock.now()
      return db.transaction(
        tx => {
          const existing = tx
            .select({ id: davCollections.id })
            .from(davCollections)
            .where(
              and(
                eq(davCollections.accountId, input.accountId),
                eq(davCollections.kind, input.kind),
                eq(davCollections.name, input.name),
              ),
            )
            .get()
          if (existing) throw davCollectionExists(input.name)
          const row = tx
            .insert(davCollections)
            .values({
              accountId: input.accountId,
              kind: input.kind,
              name: input.name,
              displayName: input.displayName ?? null,
              description: input.description ?? null,
              color: input.color ?? null,
              timezone: input.timezone ?? null,
              components: input.components ? input.components.join(',') : null,
              properties: JSON.stringify(input.properties ?? {}),
              createdAt: now,
              updatedAt: now,
            })
            .returning()
            .get()
          return toCollectionRecord(row)
        },
        { behavior: 'immediate' },
      )
    },

    async ensureCollections(accountId, kind, defaults) {
      // Runs on nearly every request: answer from a plain read when the account has collections,
      // and take the write lock only the first time.
      const existing = db
        .select({ id: davCollections.id })
        .from(davCollections)
        .where(and(eq(davCollections.accountId, accountId), eq(davCollections.kind, kind)))
        .limit(1)
        .get()
      if (existing) return
      const now = clock.now()
      db.transaction(
        tx => {
          const any = tx
            .select({ id: davCollections.id })
            .from(davCollections)
            .where(and(eq(davCollections.accountId, accountId), eq(davCollections.kind, kind)))
            .limit(1)
            .get()
          if (any) return
          for (const input of defaults) {
            tx.insert(davCollections)
              .values({
                accountId,
                kind,
                name: input.name,
                displayName: input.displayName ?? null,
                description: input.description ?? null,
                color: input.color ?? null,
                timezone: input.timezone ?? null,
                components: input.components ? input.components.join(',') : null,
                properties: JSON.stringify(input.properties ?? {}),
                createdAt: now,
                updatedAt: now,
              })
              .onConflictDoNothing()
              .run()
          }
        },
        { behavior: 'immediate' },
      )
    },

    async updateCollection(id, changes) {
      return db.transaction(
        tx => {
          const row = tx.select().from(davCollections).where(eq(davCollections.id, id)).get()
          if (!row) throw davUnknownCollection(id)
          const current = toCollectionRecord(row)
          const properties = { ...current.properties }
          for (const [key, value] of Object.entries(changes.properties ?? {})) {
            if (value === null) delete properties[key]
            else properties[key] = value
          }
          const updated = tx
            .update(davCollections)
            .set({
              ...(changes.displayName !== undefined ? { displayName: changes.displayName } : {}),
              ...(changes.description !== undefined ? { description: changes.description } : {}),
              ...(changes.color !== undefined ? { color: changes.color } : {}),
              ...(changes.timezone !== undefined ? { timezone: changes.timezone } : {}),
              properties: JSON.stringify(properties),
              updatedAt: clock.now(),
            })
            .where(eq(davCollections.id, id))
            .returning()
            .get()
          return toCollectionRecord(updated)
        },
        { behavior: 'immediate' },
      )
    },

    async deleteCollection(id) {
      // Objects and the change log go with it (ON DELETE CASCADE); a re-created collection gets a new
      // id, so old sync tokens become invalid instead of silently matching.
      db.delete(davCollections).where(eq(davCollections.id, id)).run()
    },

    async listObjects(collectionId) {
      return db
        .select(metaColumns)
        .from(davObjects)
        .where(eq(davObjects.collectionId, collectionId))
        .orderBy(asc(davObjects.name))
        .all()
        .map(toObjectMeta)
    },

    async listObjectBodies(collectionId, range) {
      const conditions = [eq(davObjects.collectionId, collectionId)]
      if (range?.end !== null && range?.end !== undefined) {
        const c = or(isNull(davObjects.firstStart), lt(davObjects.firstStart, range.end))
        if (c) conditions.push(c)
      }
      if (range?.start !== null && range?.start !== undefined) {
        // An instance ending exactly at the range start still overlaps when it has no duration
        // (RFC 4791 §9.9), hence >=.
        const c = or(isNull(davObjects.lastEnd), gte(davObjects.lastEnd, range.start))
        if (c) conditions.push(c)
      }
      return db
        .select()
        .from(davObjects)
        .where(and(...conditions))
        .orderBy(asc(davObjects.name))
        .all()
        .map(toObjectRecord)
    },

    async getObject(collectionId, name) {
      const row = db
        .select()
        .from(davObjects)
        .where(and(eq(davObjects.collectionId, collectionId), eq(davObjects.name, name)))
        .get()
      return row ? toObjectRecord(row) : null
    },

    async getObjectMeta(collectionId, name) {
      return findMeta(db, collectionId, name)
    },

    async getObjects(collectionId, names) {
      const out: DavObjectRecord[] = []
      for (let i = 0; i < names.length; i += IN_CHUNK) {
        const chunk = names.slice(i, i + IN_CHUNK)
        const rows = db
          .select()
          .from(davObjects)
          .where(and(eq(davObjects.collectionId, collectionId), inArray(davObjects.name, chunk)))
          .all()
        out.push(...rows.map(toObjectRecord))
      }
      return out
    },

    async putObject(collectionId, input, check) {
      return db.transaction(
        tx => {
          const current = findMeta(tx, collectionId, input.name)
          check(current)
          return writeObject(tx, collectionId, input, current)
        },
        { behavior: 'immediate' },
      )
    },

    async deleteObject(collectionId, name, check) {
      return db.transaction(
        tx => {
          const current = findMeta(tx, collectionId, name)
          check(current)
          if (!current) return false
          tx.delete(davObjects).where(eq(davObjects.id, current.id)).run()
          recordChange(tx, collectionId, name, true)
          return true
        },
        { behavior: 'immediate' },
      )
    },

    async copyObject(source, destination, options) {
      return db.transaction(
        tx => {
          const from = tx
            .select()
            .from(davObjects)
            .where(and(eq(davObjects.collectionId, source.collectionId), eq(davObjects.name, source.name)))
            .get()
          if (!from) throw davUnknownCollection(`${source.collectionId}/${source.name}`)
          const current = findMeta(tx, destination.collectionId, destination.name)
          options.checkDestination(current)
          const sameCollection = source.collectionId === destination.collectionId
          if (options.move) {
            // Remove the source first: within one collection the UID would otherwise clash with itself.
            tx.delete(davObjects).where(eq(davObjects.id, from.id)).run()
            recordChange(tx, source.collectionId, source.name, true)
          } else if (sameCollection) {
            // RFC 4791 §5.3.2.1 no-uid-conflict: a copy inside one calendar would duplicate the UID.
            throw davUidConflict(from.uid, from.name)
          }
          return writeObject(
            tx,
            destination.collectionId,
            {
              name: destination.name,
              uid: from.uid,
              etag: from.etag,
              componentType: from.componentType,
              contentType: from.contentType,
              body: new Uint8Array(from.body),
              firstStart: from.firstStart,
              lastEnd: from.lastEnd,
            },
            current,
          )
        },
        { behavior: 'immediate' },
      )
    },

    async changesSince(collectionId, seq) {
      const collection = db
        .select({ syncSeq: davCollections.syncSeq })
        .from(davCollections)
        .where(eq(davCollections.id, collectionId))
        .get()
      if (!collection) throw davUnknownCollection(collectionId)
      if (!Number.isSafeInteger(seq) || seq < 0 || seq > collection.syncSeq) throw davInvalidSyncToken()
      const rows = db
        .select({ name: davChanges.name, seq: davChanges.seq, deleted: davChanges.deleted })
        .from(davChanges)
        .where(and(eq(davChanges.collectionId, collectionId), gt(davChanges.seq, seq)))
        .orderBy(asc(davChanges.seq))
        .all()
      // Only the last change per member matters: a member added then removed is just removed.
      const latest = new Map<string, DavChange>()
      for (const row of rows) {
        latest.delete(row.name)
        latest.set(row.name, row)
      }
      return [...latest.values()]
    },

    async usedBytes(accountId) {
      const row = db
        .select({ bytes: sum(davObjects.size) })
        .from(davObjects)
        .innerJoin(davCollections, eq(davCollections.id, davObjects.collectionId))
        .where(eq(davCollections.accountId, accountId))
        .get()
      return Number(row?.bytes ?? 0)
    },
  }
}
