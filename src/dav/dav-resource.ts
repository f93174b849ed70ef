// Turn a parsed path into the resource it names, enforcing that an account only ever reaches its own
// principal, homes, collections and objects. Another account's URL is 403 whether or not that
// account exists, so URLs reveal nothing about who has an account here.
import type { DavCollectionKind, DavCollectionRecord, DavObjectMeta } from '../storage/repositories/dav/dav-records.ts'
import type { DavRequest } from './dav-context.ts'
import { forbidden, notFound } from './dav-error.ts'
import type { DavTarget } from './dav-paths.ts'
import { DEFAULT_COLLECTIONS } from './default-collections.ts'

export type DavResource =
  | { type: 'root' }
  | { type: 'principals' }
  | { type: 'principal' }
  | { type: 'home'; kind: DavCollectionKind }
  | { type: 'collection'; collection: DavCollectionRecord }
  | { type: 'object'; collection: DavCollectionRecord; object: DavObjectMeta }

export function ownedTarget(req: DavRequest, target: DavTarget): void {
  if ('owner' in target && target.owner !== req.account.email.toLowerCase()) {
    throw forbidden('this resource belongs to another account')
  }
}

export async function ensureDefaults(req: DavRequest, kind: DavCollectionKind): Promise<void> {
  const defaults = DEFAULT_COLLECTIONS[kind].map(d => ({ ...d, accountId: req.account.id, kind }))
  await req.services.repo.ensureCollections(req.account.id, kind, defaults)
}

/** The collection a collection/object target names; 404 when it does not exist. */
export async function loadCollection(
  req: DavRequest,
  target: { kind: DavCollectionKind; collection: string },
): Promise<DavCollectionRecord> {
  await ensureDefaults(req, target.kind)
  const collection = await req.services.repo.getCollection(req.account.id, target.kind, target.collection)
  if (!collection) throw notFound(`no collection named ${target.collection}`)
  return collection
}

/** The existing resource at `target`; 404 when there is none, 403 when it is not the caller's. */
export async function resolveResource(req: DavRequest, target: DavTarget): Promise<DavResource> {
  ownedTarget(req, target)
  switch (target.type) {
    case 'root':
    case 'principals':
      return { type: target.type }
    case 'principal':
      return { type: 'principal' }
    case 'home':
      await ensureDefaults(req, target.kind)
      return { type: 'home', kind: target.kind }
    case 'collection':
      return { type: 'collection', collection: await loadCollection(req, target) }
    case 'object': {
      const collection = await loadCollection(req, target)
      const object = await req.services.repo.getObjectMeta(collection.id, target.object)
      if (!object) throw notFound(`no object named ${target.object}`)
      return { type: 'object', collection, object }
    }
  }
}
