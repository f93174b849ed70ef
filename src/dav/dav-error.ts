// The one error type DAV handlers throw. The dispatcher (dav-handler.ts) is the only place that turns
// it into a response: the status, and for a failed precondition the RFC 4918 §16 body
// <D:error><precondition/></D:error> naming it (e.g. CalDAV valid-calendar-data, RFC 4791 §5.3.2.1).
import { NS, clark } from './xml/dav-namespaces.ts'
import { el, serializeXml, type XmlNode } from './xml/xml-writer.ts'

export class DavError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** The precondition/postcondition element, if the RFC defines one. */
    readonly condition?: XmlNode,
    readonly headers: Record<string, string> = {},
  ) {
    super(message)
    this.name = 'DavError'
  }
}

export const davPrecondition = (
  status: number,
  namespace: string,
  local: string,
  message: string,
  children: XmlNode['children'] = [],
) => new DavError(status, message, el(clark(namespace, local), children))

export const notFound = (what = 'no such resource') => new DavError(404, what)
export const forbidden = (what: string) => new DavError(403, what)
export const methodNotAllowed = (what: string) => new DavError(405, what)
export const badRequest = (what: string) => new DavError(400, what)
export const preconditionFailed = (what: string) => new DavError(412, what)

export function davErrorResponse(error: DavError): Response {
  const headers = new Headers(error.headers)
  if (error.status === 304) return new Response(null, { status: 304, headers })
  if (error.condition) {
    headers.set('content-type', 'application/xml; charset=utf-8')
    // DAV:error allows any content (RFC 4918 §14.5): the reason rides along for people debugging.
    const body = serializeXml(
      el(clark(NS.DAV, 'error'), [error.condition, el(clark(NS.DAV, 'responsedescription'), [error.message])]),
    )
    return new Response(body, { status: error.status, headers })
  }
  headers.set('content-type', 'text/plain; charset=utf-8')
  return new Response(`${error.message}\n`, { status: error.status, headers })
}
