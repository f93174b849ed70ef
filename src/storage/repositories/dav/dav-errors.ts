// The user errors the DAV repository raises. Each carries a stable `code` the DAV layer maps to a
// status and, where the RFC names one, a precondition element.
import { MailError } from '../../../core/errors.ts'

export const davCollectionExists = (name: string) =>
  new MailError('user', `collection ${name} already exists`, { http: 405, code: 'dav_collection_exists' })

export const davUnknownCollection = (id: number | string) =>
  new MailError('user', `no such collection: ${id}`, { http: 404, code: 'dav_unknown_collection' })

/** RFC 4791 §5.3.2.1 / RFC 6352 §6.3.2.1 no-uid-conflict: the UID is already used by another resource. */
export const davUidConflict = (uid: string, existingName: string) =>
  Object.assign(
    new MailError('user', `UID ${uid.slice(0, 80)} is already used by ${existingName}`, {
      http: 403,
      code: 'dav_uid_conflict',
    }),
    { existingName },
  )

/** RFC 6578 §3.2 valid-sync-token: unknown, foreign or too old. */
export const davInvalidSyncToken = () =>
  new MailError('user', 'sync token is not valid for this collection', { http: 403, code: 'dav_invalid_sync_token' })

export const isUidConflict = (e: unknown): e is MailError & { existingName: string } =>
  e instanceof MailError && e.codes.code === 'dav_uid_conflict'
