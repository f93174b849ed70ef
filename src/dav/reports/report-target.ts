// Which collection a REPORT runs against: the request-URI's collection, or the collection of the
// object it names (then only that object is examined). Reports that do not apply to the kind of
// collection fail with DAV:supported-report (RFC 3253 §3.6).
import type { DavCollectionKind, DavCollectionRecord } from '../../storage/repositories/dav/dav-records.ts'
import type { DavRequest } from '../dav-context.ts'
import { davPrecondition } from '../dav-error.ts'
import type { DavTarget } from '../dav-paths.ts'
import { resolveResource } from '../dav-resource.ts'
import { NS } from '../xml/dav-namespaces.ts'

export interface ReportTarget {
  collection: DavCollectionRecord
  /** Set when the request-URI is one object. */
  objectName: string | null
}

export async function reportTarget(
  req: DavRequest,
  target: DavTarget,
  kind: DavCollectionKind,
  report: string,
): Promise<ReportTarget> {
  const resource = await resolveResource(req, target)
  if (resource.type === 'collection' && resource.collection.kind === kind) {
    return { collection: resource.collection, objectName: null }
  }
  if (resource.type === 'object' && resource.collection.kind === kind) {
    return { collection: resource.collection, objectName: resource.object.name }
  }
  throw davPrecondition(403, NS.DAV, 'supported-report', `${report} is not supported on this resource`)
}
