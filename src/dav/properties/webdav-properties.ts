// WebDAV live properties: RFC 4918 §15 (resourcetype, getetag, …), RFC 5397 current-user-principal,
// RFC 3744 §5 (principal-URL, owner, current-user-privilege-set, principal-collection-set),
// RFC 3253 §3.1.5 supported-report-set, RFC 6578 §4 sync-token, RFC 4331 quota properties, and
// CalendarServer's getctag (older clients poll it instead of syncing).
import { DAV_ROOT, principalHref } from '../dav-paths.ts'
import type { DavResource } from '../dav-resource.ts'
import { syncTokenOf } from '../sync-token.ts'
import { NS, clark } from '../xml/dav-namespaces.ts'
import { el, type XmlChild } from '../xml/xml-writer.ts'
import type { PropertyDefinition } from './property-definition.ts'

const D = (local: string) => clark(NS.DAV, local)
const href = (value: string) => el(D('href'), [value])

function resourceType(resource: DavResource): XmlChild[] {
  switch (resource.type) {
    case 'object':
      return []
    case 'principal':
      return [el(D('collection')), el(D('principal'))]
    case 'collection':
      return [
        el(D('collection')),
        resource.collection.kind === 'calendar'
          ? el(clark(NS.CALDAV, 'calendar'))
          : el(clark(NS.CARDDAV, 'addressbook')),
      ]
    default:
      return [el(D('collection'))]
  }
}

const privilege = (name: string) => el(D('privilege'), [el(D(name))])

/** What the owner may do (RFC 3744 §3): everything on its own data, reading elsewhere. */
function privileges(resource: DavResource): XmlChild[] {
  const read = [privilege('read'), privilege('read-current-user-privilege-set')]
  if (resource.type === 'root' || resource.type === 'principals' || resource.type === 'principal') return read
  return [
    ...read,
    privilege('write'),
    privilege('write-properties'),
    privilege('write-content'),
    privilege('bind'),
    privilege('unbind'),
  ]
}

function supportedReports(resource: DavResource): XmlChild[] | undefined {
  const report = (namespace: string, local: string) =>
    el(D('supported-report'), [el(D('report'), [el(clark(namespace, local))])])
  if (resource.type === 'collection' || resource.type === 'object') {
    const kind = resource.collection.kind
    const reports =
      kind === 'calendar'
        ? [
            report(NS.CALDAV, 'calendar-query'),
            report(NS.CALDAV, 'calendar-multiget'),
            report(NS.CALDAV, 'free-busy-query'),
          ]
        : [report(NS.CARDDAV, 'addressbook-query'), report(NS.CARDDAV, 'addressbook-multiget')]
    return resource.type === 'collection' ? [...reports, report(NS.DAV, 'sync-collection')] : reports
  }
  return []
}

const httpDate = (ms: number) => new Date(ms).toUTCString()
const isoDate = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')

export const webdavProperties: PropertyDefinition[] = [
  { name: D('resourcetype'), allprop: true, get: (_req, r) => resourceType(r) },
  {
    name: D('displayname'),
    allprop: true,
    get: async (req, r) => {
      if (r.type === 'collection') return [r.collection.displayName ?? r.collection.name]
      if (r.type === 'principal') {
        const account = await req.services.accounts.get(req.account.id)
        return [account?.displayName || req.account.email]
      }
      if (r.type === 'home') return [r.kind === 'calendar' ? 'Calendars' : 'Address books']
      return undefined
    },
  },
  { name: D('getetag'), allprop: true, get: (_req, r) => (r.type === 'object' ? [r.object.etag] : undefined) },
  {
    name: D('getcontenttype'),
    allprop: true,
    get: (_req, r) => (r.type === 'object' ? [r.object.contentType] : undefined),
  },
  {
    name: D('getcontentlength'),
    allprop: true,
    get: (_req, r) => (r.type === 'object' ? [String(r.object.size)] : undefined),
  },
  {
    name: D('getlastmodified'),
    allprop: true,
    get: (_req, r) =>
      r.type === 'object'
        ? [httpDate(r.object.updatedAt)]
        : r.type === 'collection'
          ? [httpDate(r.collection.updatedAt)]
          : undefined,
  },
  {
    name: D('creationdate'),
    allprop: true,
    get: (_req, r) =>
      r.type === 'object'
        ? [isoDate(r.object.createdAt)]
        : r.type === 'collection'
          ? [isoDate(r.collection.createdAt)]
          : undefined,
  },
  { name: D('current-user-principal'), allprop: false, get: req => [href(principalHref(req.account.email))] },
  {
    name: D('principal-URL'),
    allprop: false,
    get: (req, r) => (r.type === 'principal' ? [href(principalHref(req.account.email))] : undefined),
  },
  {
    name: D('owner'),
    allprop: false,
    get: (req, r) =>
      r.type === 'root' || r.type === 'principals' ? undefined : [href(principalHref(req.account.email))],
  },
  { name: D('principal-collection-set'), allprop: false, get: () => [href(`${DAV_ROOT}principals/`)] },
  { name: D('current-user-privilege-set'), allprop: false, get: (_req, r) => privileges(r) },
  { name: D('supported-report-set'), allprop: false, get: (_req, r) => supportedReports(r) },
  {
    name: D('sync-token'),
    allprop: false,
    get: (_req, r) => (r.type === 'collection' ? [syncTokenOf(r.collection)] : undefined),
  },
  {
    name: clark(NS.CALENDARSERVER, 'getctag'),
    allprop: false,
    get: (_req, r) => (r.type === 'collection' ? [syncTokenOf(r.collection)] : undefined),
  },
  {
    name: D('quota-used-bytes'),
    allprop: false,
    get: async (req, r) =>
      r.type === 'collection' || r.type === 'home'
        ? [String(await req.services.repo.usedBytes(req.account.id))]
        : undefined,
  },
  {
    name: D('quota-available-bytes'),
    allprop: false,
    get: async (req, r) => {
      if (r.type !== 'collection' && r.type !== 'home') return undefined
      // RFC 4331 §3: absent when there is no quota. Mail and DAV data share the account's quota.
      const account = await req.services.accounts.get(req.account.id)
      if (!account || account.quotaBytes === null) return undefined
      const mail = (await req.services.accounts.usage(req.account.id)).bytes
      const dav = await req.services.repo.usedBytes(req.account.id)
      return [String(Math.max(0, account.quotaBytes - mail - dav))]
    },
  },
]
