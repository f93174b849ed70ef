// The href of each kind of resource for the authenticated account (see dav-paths.ts for the layout).
import type { DavRequest } from './dav-context.ts'
import { collectionHref, DAV_ROOT, homeHref, objectHref, principalHref } from './dav-paths.ts'
import type { DavResource } from './dav-resource.ts'

export function hrefOf(req: DavRequest, resource: DavResource): string {
  const email = req.account.email
  switch (resource.type) {
    case 'root':
      // PROPFIND on the bare server URL (clients given only "https://host/") answers for "/".
      return req.url.pathname === '/' ? '/' : DAV_ROOT
    case 'principals':
      return `${DAV_ROOT}principals/`
    case 'principal':
      return principalHref(email)
    case 'home':
      return homeHref(resource.kind, email)
    case 'collection':
      return collectionHref(resource.collection.kind, email, resource.collection.name)
    case 'object':
      return objectHref(resource.collection.kind, email, resource.collection.name, resource.object.name)
  }
}
