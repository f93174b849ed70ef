// A live property (RFC 4918 §15 and the CalDAV/CardDAV additions): which resources have it, whether
// allprop includes it, and how its value is computed. Values are the children of the property element.
import type { DavRequest } from '../dav-context.ts'
import type { DavResource } from '../dav-resource.ts'
import type { XmlChild } from '../xml/xml-writer.ts'

export type PropertyValue = XmlChild[] | undefined

export interface PropertyDefinition {
  /** Clark name. */
  name: string
  /** Part of an allprop answer (RFC 4918 §9.1: not for costly or report-only properties). */
  allprop: boolean
  /** The value, or undefined when this resource does not have the property (→ 404 in its propstat). */
  get(req: DavRequest, resource: DavResource): PropertyValue | Promise<PropertyValue>
}
