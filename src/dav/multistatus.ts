// 207 Multi-Status bodies (RFC 4918 §13, §14.16): one DAV:response per resource, holding either
// propstats or a single status; sync-collection adds its DAV:sync-token after the responses
// (RFC 6578 §6.4).
import type { Propstat } from './properties/build-propstats.ts'
import { NS, clark } from './xml/dav-namespaces.ts'
import { el, serializeXml, type XmlChild, type XmlNode } from './xml/xml-writer.ts'

export type MultistatusEntry =
  | { href: string; propstats: Propstat[] }
  | { href: string; status: number; error?: XmlNode }

const D = (local: string) => clark(NS.DAV, local)

const REASONS: Record<number, string> = {
  200: 'OK',
  201: 'Created',
  204: 'No Content',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  424: 'Failed Dependency',
  507: 'Insufficient Storage',
}

export const statusLine = (status: number) => `HTTP/1.1 ${status} ${REASONS[status] ?? ''}`.trimEnd()

function entryNode(entry: MultistatusEntry): XmlNode {
  const children: XmlChild[] = [el(D('href'), [entry.href])]
  if ('propstats' in entry) {
    for (const ps of entry.propstats) {
      children.push(el(D('propstat'), [el(D('prop'), ps.props), el(D('status'), [statusLine(ps.status)])]))
    }
  } else {
    children.push(el(D('status'), [statusLine(entry.status)]))
    if (entry.error) children.push(el(D('error'), [entry.error]))
  }
  return el(D('response'), children)
}

export function multistatusXml(entries: readonly MultistatusEntry[], trailer: XmlNode[] = []): string {
  return serializeXml(el(D('multistatus'), [...entries.map(entryNode), ...trailer]))
}

export function multistatusResponse(entries: readonly MultistatusEntry[], trailer: XmlNode[] = []): Response {
  return new Response(multistatusXml(entries, trailer), {
    status: 207,
    headers: { 'content-type': 'application/xml; charset=utf-8' },
  })
}
