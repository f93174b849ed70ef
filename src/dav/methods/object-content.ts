// What a PUT body must be for each kind of collection: the media type (RFC 4791 §5.3.2.1
// supported-calendar-data, RFC 6352 §6.3.2.1 supported-address-data) and valid content, which yields
// the UID, the component type and the time bounds stored beside the bytes. The ETag is a hash of the
// bytes: strong (RFC 7232 §2.3) because the bytes are never changed.
import { createHash } from 'node:crypto'
import type { DavCollectionRecord } from '../../storage/repositories/dav/dav-records.ts'
import { validateCalendarObject } from '../caldav/validate-calendar-object.ts'
import { validateVCard } from '../carddav/validate-vcard.ts'
import { davPrecondition } from '../dav-error.ts'
import { decodeUtf8 } from '../read-body.ts'
import { NS } from '../xml/dav-namespaces.ts'

export interface ObjectContent {
  uid: string
  componentType: string
  contentType: string
  etag: string
  firstStart: number | null
  lastEnd: number | null
}

const mediaTypeOf = (header: string | null) => (header ?? '').split(';')[0]?.trim().toLowerCase() ?? ''

export const etagOf = (body: Uint8Array) => `"${createHash('sha256').update(body).digest('hex').slice(0, 40)}"`

export function checkObjectContent(
  collection: DavCollectionRecord,
  body: Uint8Array,
  contentTypeHeader: string | null,
): ObjectContent {
  const media = mediaTypeOf(contentTypeHeader)
  if (collection.kind === 'calendar') {
    if (media !== '' && media !== 'text/calendar') {
      throw davPrecondition(
        403,
        NS.CALDAV,
        'supported-calendar-data',
        `expected text/calendar, got ${media.slice(0, 60)}`,
      )
    }
    const text = decodeUtf8(body, 'calendar data')
    const valid = validateCalendarObject(text, collection.components)
    return {
      uid: valid.uid,
      componentType: valid.componentType,
      contentType: 'text/calendar; charset=utf-8',
      etag: etagOf(body),
      firstStart: valid.firstStart,
      lastEnd: valid.lastEnd,
    }
  }
  // text/x-vcard is what some older clients still send.
  if (media !== '' && media !== 'text/vcard' && media !== 'text/x-vcard') {
    throw davPrecondition(403, NS.CARDDAV, 'supported-address-data', `expected text/vcard, got ${media.slice(0, 60)}`)
  }
  const valid = validateVCard(decodeUtf8(body, 'vCard data'))
  return {
    uid: valid.uid,
    componentType: 'VCARD',
    contentType: 'text/vcard; charset=utf-8',
    etag: etagOf(body),
    firstStart: null,
    lastEnd: null,
  }
}
