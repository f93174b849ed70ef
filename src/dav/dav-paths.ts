// The URL layout under /dav (RFC 4791 §4.2 and RFC 6352 §5.2 leave it to the server):
//   /dav/                                         root (current-user-principal answers here)
//   /dav/principals/                              principal collection (RFC 3744 §5.8)
//   /dav/principals/<email>/                      one account's principal (RFC 5397)
//   /dav/calendars/<email>/                       calendar-home-set (RFC 4791 §6.2.1)
//   /dav/calendars/<email>/<calendar>/            a calendar or task list
//   /dav/calendars/<email>/<calendar>/<object>    one calendar object resource
//   /dav/addressbooks/<email>/…                   the same for CardDAV (RFC 6352 §7.1.1)
// Segments are percent-decoded when parsed and encoded when an href is built; '@' stays literal
// (RFC 3986 §3.3 allows it in a path segment), so hrefs read like the account's address.
import type { DavCollectionKind } from '../storage/repositories/dav/dav-records.ts'
import { DavError, badRequest } from './dav-error.ts'

export const DAV_ROOT = '/dav/'

export type DavTarget =
  | { type: 'root' }
  | { type: 'principals' }
  | { type: 'principal'; owner: string }
  | { type: 'home'; kind: DavCollectionKind; owner: string }
  | { type: 'collection'; kind: DavCollectionKind; owner: string; collection: string }
  | { type: 'object'; kind: DavCollectionKind; owner: string; collection: string; object: string }

const HOME_SEGMENT: Record<DavCollectionKind, string> = { calendar: 'calendars', addressbook: 'addressbooks' }

/** Collection and object names: one segment, not "." or "..", no control characters, bounded. */
export function isValidSegment(name: string): boolean {
  return (
    name.length > 0 && name.length <= 255 && name !== '.' && name !== '..' && !/[/\\\u0000-\u001f\u007f]/.test(name)
  )
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment)
  } catch {
    throw badRequest(`invalid percent-encoding in path segment "${segment.slice(0, 60)}"`)
  }
}

/** Parse a request path (already without query). Returns null for paths outside the layout. */
export function parseDavPath(pathname: string): DavTarget | null {
  if (pathname !== '/dav' && !pathname.startsWith(DAV_ROOT)) return null
  const segments = pathname
    .slice(DAV_ROOT.length)
    .split('/')
    .filter(s => s !== '')
    .map(decodeSegment)
  if (segments.some(s => !isValidSegment(s))) return null
  const [top, owner, collection, object, ...rest] = segments
  if (top === undefined) return { type: 'root' }
  if (rest.length > 0) return null
  if (top === 'principals') {
    if (owner === undefined) return { type: 'principals' }
    return collection === undefined ? { type: 'principal', owner: owner.toLowerCase() } : null
  }
  const kind: DavCollectionKind | null =
    top === 'calendars' ? 'calendar' : top === 'addressbooks' ? 'addressbook' : null
  if (kind === null || owner === undefined) return null
  const who = owner.toLowerCase()
  if (collection === undefined) return { type: 'home', kind, owner: who }
  if (object === undefined) return { type: 'collection', kind, owner: who, collection }
  return { type: 'object', kind, owner: who, collection, object }
}

/** Percent-encode one segment for an href, keeping characters RFC 3986 §3.3 allows literally. */
export function encodeSegment(segment: string): string {
  return encodeURIComponent(segment).replace(/%(40|3A|2B|2C|3B|3D|24|26)/g, (_m, hex: string) =>
    String.fromCharCode(Number.parseInt(hex, 16)),
  )
}

export const principalHref = (email: string) => `${DAV_ROOT}principals/${encodeSegment(email)}/`
export const homeHref = (kind: DavCollectionKind, email: string) =>
  `${DAV_ROOT}${HOME_SEGMENT[kind]}/${encodeSegment(email)}/`
export const collectionHref = (kind: DavCollectionKind, email: string, name: string) =>
  `${homeHref(kind, email)}${encodeSegment(name)}/`
export const objectHref = (kind: DavCollectionKind, email: string, collection: string, name: string) =>
  `${collectionHref(kind, email, collection)}${encodeSegment(name)}`

/** The path of a Destination header (RFC 4918 §10.3: an absolute URI, or an absolute path). */
export function destinationPath(header: string, requestUrl: string): string {
  let url: URL
  try {
    url = new URL(header, requestUrl)
  } catch {
    throw badRequest('Destination is not a valid URI')
  }
  // RFC 4918 §9.8.5: a Destination on another server is 502 Bad Gateway.
  if (url.host !== new URL(requestUrl).host) throw new DavError(502, 'Destination is on another server')
  return url.pathname
}
