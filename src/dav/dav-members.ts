// The members of a resource, for Depth: 1 (RFC 4918 §9.1). Objects come without bodies.
import type { DavRequest } from './dav-context.ts'
import type { DavResource } from './dav-resource.ts'
import { ensureDefaults } from './dav-resource.ts'

export async function listMembers(req: DavRequest, resource: DavResource): Promise<DavResource[]> {
  const { repo } = req.services
  switch (resource.type) {
    case 'root':
      return [{ type: 'principals' }, { type: 'home', kind: 'calendar' }, { type: 'home', kind: 'addressbook' }]
    case 'principals':
      return [{ type: 'principal' }]
    case 'home': {
      await ensureDefaults(req, resource.kind)
      const collections = await repo.listCollections(req.account.id, resource.kind)
      return collections.map(collection => ({ type: 'collection', collection }))
    }
    case 'collection': {
      const objects = await repo.listObjects(resource.collection.id)
      return objects.map(object => ({ type: 'object', collection: resource.collection, object }))
    }
    default:
      return []
  }
}
