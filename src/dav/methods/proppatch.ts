// PROPPATCH (RFC 4918 §9.2) on calendars and address books. All instructions succeed or none is
// applied: a protected property fails with 403 and the others are reported 424 Failed Dependency.
// Principals, homes and objects have no writable properties here.
import type { DavRequest } from '../dav-context.ts'
import type { DavTarget } from '../dav-paths.ts'
import { resolveResource } from '../dav-resource.ts'
import { hrefOf } from '../dav-hrefs.ts'
import { multistatusResponse } from '../multistatus.ts'
import { decodeUtf8, readBody } from '../read-body.ts'
import { NS } from '../xml/dav-namespaces.ts'
import { parseDavXmlRoot } from '../xml/parse-dav-xml.ts'
import { el } from '../xml/xml-writer.ts'
import { instructionsOf, planCollectionChanges } from './collection-property-changes.ts'

/** Total size of one collection's dead properties (names and serialized values). */
export const MAX_DEAD_PROPERTY_BYTES = 64 * 1024

export async function handleProppatch(req: DavRequest, target: DavTarget): Promise<Response> {
  const text = decodeUtf8(await readBody(req.request, req.services.settings.maxResourceSize), 'PROPPATCH body')
  const root = parseDavXmlRoot(text, NS.DAV, 'propertyupdate')
  const resource = await resolveResource(req, target)
  const instructions = instructionsOf(root)
  const href = hrefOf(req, resource)
  if (resource.type !== 'collection') {
    return multistatusResponse([{ href, propstats: [{ status: 403, props: instructions.map(i => el(i.name)) }] }])
  }
  const plan = planCollectionChanges(resource.collection.kind, instructions, { creating: false })
  // Dead properties are stored as sent: bound them per collection (RFC 4918 §9.2.1 allows 507
  // Insufficient Storage), or repeated PROPPATCHes could grow a row without limit.
  const merged = { ...resource.collection.properties, ...plan.changes.properties }
  const deadBytes = Object.entries(merged).reduce((n, [k, v]) => n + (v === null ? 0 : k.length + v.length), 0)
  if (deadBytes > MAX_DEAD_PROPERTY_BYTES) {
    for (const name of Object.keys(plan.changes.properties ?? {})) plan.failures.set(name, 507)
  }
  if (plan.failures.size > 0) {
    const failed = (status: number) => instructions.filter(i => plan.failures.get(i.name) === status)
    const dependent = instructions.filter(i => !plan.failures.has(i.name))
    const propstats = [403, 507]
      .map(status => ({ status, props: failed(status).map(i => el(i.name)) }))
      .filter(p => p.props.length > 0)
    if (dependent.length > 0) propstats.push({ status: 424, props: dependent.map(i => el(i.name)) })
    return multistatusResponse([{ href, propstats }])
  }
  await req.services.repo.updateCollection(resource.collection.id, plan.changes)
  return multistatusResponse([{ href, propstats: [{ status: 200, props: instructions.map(i => el(i.name)) }] }])
}
