// PROPFIND (RFC 4918 §9.1) with Depth 0 or 1. Depth infinity (also the default when the header is
// absent) is answered like Depth 1, as sabre/dav does: clients that omit Depth expect the members,
// and a real infinity would list every object of every collection in one response.
import type { DavRequest } from '../dav-context.ts'
import { hrefOf } from '../dav-hrefs.ts'
import { listMembers } from '../dav-members.ts'
import type { DavTarget } from '../dav-paths.ts'
import { resolveResource } from '../dav-resource.ts'
import { type MultistatusEntry, multistatusResponse } from '../multistatus.ts'
import { buildPropstats } from '../properties/build-propstats.ts'
import { decodeUtf8, readBody } from '../read-body.ts'
import { parseDepth, parsePropfind } from './parse-propfind.ts'

export async function handlePropfind(req: DavRequest, target: DavTarget): Promise<Response> {
  const depth = parseDepth(req.headers.get('depth'), 'infinity')
  const body = decodeUtf8(await readBody(req.request, req.services.settings.maxResourceSize), 'PROPFIND body')
  const request = parsePropfind(body)
  const resource = await resolveResource(req, target)
  const resources = depth !== 0 ? [resource, ...(await listMembers(req, resource))] : [resource]
  const entries: MultistatusEntry[] = []
  for (const r of resources) {
    entries.push({ href: hrefOf(req, r), propstats: await buildPropstats(req, r, request) })
  }
  return multistatusResponse(entries)
}
