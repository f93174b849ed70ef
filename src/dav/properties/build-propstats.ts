// Answer a property request for one resource (RFC 4918 §9.1): each requested property goes in a
// propstat by status — 200 with its value, 404 when the resource does not have it. allprop returns
// the live properties marked for it plus dead properties (and any `include`d ones); propname returns
// names only. `extra` adds report-only properties (calendar-data, address-data).
import type { DavRequest } from '../dav-context.ts'
import type { DavResource } from '../dav-resource.ts'
import { el, rawXml, type XmlNode } from '../xml/xml-writer.ts'
import type { PropertyValue } from './property-definition.ts'
import { LIVE_PROPERTIES } from './property-registry.ts'

export type PropRequest =
  | { kind: 'allprop'; include: string[] }
  | { kind: 'propname' }
  | { kind: 'prop'; names: string[] }

export type ExtraProperties = ReadonlyMap<string, (resource: DavResource) => PropertyValue | Promise<PropertyValue>>

export interface Propstat {
  status: number
  props: XmlNode[]
}

const deadProperties = (resource: DavResource): Record<string, string> =>
  resource.type === 'collection' ? resource.collection.properties : {}

async function valueOf(
  req: DavRequest,
  resource: DavResource,
  name: string,
  extra: ExtraProperties | undefined,
): Promise<XmlNode | null> {
  const special = extra?.get(name)
  if (special) {
    const value = await special(resource)
    return value === undefined ? null : el(name, value)
  }
  const live = LIVE_PROPERTIES.get(name)
  if (live) {
    const value = await live.get(req, resource)
    return value === undefined ? null : el(name, value)
  }
  const dead = deadProperties(resource)[name]
  return dead === undefined ? null : rawXml(name, dead)
}

export async function buildPropstats(
  req: DavRequest,
  resource: DavResource,
  request: PropRequest,
  extra?: ExtraProperties,
): Promise<Propstat[]> {
  if (request.kind === 'propname') {
    const names: string[] = []
    for (const [name, live] of LIVE_PROPERTIES) {
      if ((await live.get(req, resource)) !== undefined) names.push(name)
    }
    names.push(...Object.keys(deadProperties(resource)))
    return [{ status: 200, props: names.map(n => el(n)) }]
  }
  const names =
    request.kind === 'prop'
      ? request.names
      : [
          ...[...LIVE_PROPERTIES.values()].filter(p => p.allprop).map(p => p.name),
          ...Object.keys(deadProperties(resource)),
          ...request.include,
        ]
  const found: XmlNode[] = []
  const missing: XmlNode[] = []
  const seen = new Set<string>()
  for (const name of names) {
    if (seen.has(name)) continue
    seen.add(name)
    const node = await valueOf(req, resource, name, extra)
    if (node) found.push(node)
    // allprop lists only what exists; a named request reports each missing name (RFC 4918 §9.1).
    else if (request.kind === 'prop') missing.push(el(name))
  }
  const out: Propstat[] = []
  if (found.length > 0 || missing.length === 0) out.push({ status: 200, props: found })
  if (missing.length > 0) out.push({ status: 404, props: missing })
  return out
}
