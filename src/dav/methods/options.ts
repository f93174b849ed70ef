// OPTIONS (RFC 4918 §10.1, RFC 4791 §5.1, RFC 6352 §6.1): the DAV compliance classes and the methods
// this server implements. Answered without authentication: it describes the server, not any data.
export const DAV_CLASSES = '1, 3, extended-mkcol, calendar-access, addressbook'

export const ALLOWED_METHODS =
  'OPTIONS, GET, HEAD, PUT, DELETE, PROPFIND, PROPPATCH, MKCOL, MKCALENDAR, COPY, MOVE, REPORT'

export function handleOptions(): Response {
  return new Response(null, {
    status: 200,
    headers: { dav: DAV_CLASSES, allow: ALLOWED_METHODS, 'ms-author-via': 'DAV', 'content-length': '0' },
  })
}
