// CalDAV/CardDAV storage (RFC 4791, RFC 6352, RFC 6578): collections (calendars, task lists, address
// books), the objects in them (one iCalendar object or one vCard each, stored byte-intact) and a
// per-collection change log that sync tokens point into.
//
// Conventions (as in ./schema.ts): times are integer milliseconds since the Unix epoch.
//   - `dav_collections.sync_seq` is the number of the collection's last change; a sync token names a
//     (collection id, seq) pair, and `getctag` is derived from it too;
//   - `dav_objects.first_start` / `last_end` bound every instance of the object (recurrences
//     included) in UTC, widened for floating times, so calendar-query time-range filters can skip
//     rows in SQL before the exact test; null means unbounded on that side (or not a timed object);
//   - `dav_changes` has one row per change (seq), `deleted` set when the change removed the object.
import { sql } from 'drizzle-orm'
import { blob, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core'
import { accounts } from './schema.ts'

export const davCollections = sqliteTable(
  'dav_collections',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    accountId: integer('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    /** 'calendar' (also task lists: a calendar whose component set is VTODO) or 'addressbook'. */
    kind: text('kind', { enum: ['calendar', 'addressbook'] }).notNull(),
    /** The URL segment below the account's home. */
    name: text('name').notNull(),
    displayName: text('display_name'),
    description: text('description'),
    /** Apple's calendar-color, e.g. #3366CCFF. */
    color: text('color'),
    /** CalDAV calendar-timezone: a VCALENDAR holding one VTIMEZONE (RFC 4791 §5.2.2). */
    timezone: text('timezone'),
    /** Comma-separated component names a calendar accepts (RFC 4791 §5.2.3); null for address books. */
    components: text('components'),
    /** Dead properties set by PROPPATCH: JSON object of "{namespace}name" → serialized XML element. */
    properties: text('properties').notNull().default('{}'),
    syncSeq: integer('sync_seq').notNull().default(0),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  t => [uniqueIndex('dav_collections_account_kind_name_unique').on(t.accountId, t.kind, t.name)],
)

export const davObjects = sqliteTable(
  'dav_objects',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    collectionId: integer('collection_id')
      .notNull()
      .references(() => davCollections.id, { onDelete: 'cascade' }),
    /** The URL segment below the collection (decoded). */
    name: text('name').notNull(),
    /** iCalendar or vCard UID: unique within a collection (RFC 4791 §5.3.2.1, RFC 6352 §6.3.2.1). */
    uid: text('uid').notNull(),
    /** Strong entity tag, quotes included. */
    etag: text('etag').notNull(),
    /** VEVENT, VTODO, VJOURNAL, VFREEBUSY or VCARD. */
    componentType: text('component_type').notNull(),
    contentType: text('content_type').notNull(),
    body: blob('body', { mode: 'buffer' }).notNull(),
    size: integer('size').notNull(),
    firstStart: integer('first_start'),
    lastEnd: integer('last_end'),
    /** Collection seq of the last change to this object. */
    modSeq: integer('mod_seq').notNull(),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  t => [
    uniqueIndex('dav_objects_collection_name_unique').on(t.collectionId, t.name),
    index('dav_objects_collection_uid_idx').on(t.collectionId, t.uid),
  ],
)

export const davChanges = sqliteTable(
  'dav_changes',
  {
    collectionId: integer('collection_id')
      .notNull()
      .references(() => davCollections.id, { onDelete: 'cascade' }),
    seq: integer('seq').notNull(),
    name: text('name').notNull(),
    deleted: integer('deleted', { mode: 'boolean' }).notNull().default(sql`false`),
  },
  t => [primaryKey({ columns: [t.collectionId, t.seq] })],
)
