// CalDAV live properties (RFC 4791 §5.2 collection properties, §6.2 principal properties) and the
// Apple calendar-color most clients show.
import { homeHref } from '../dav-paths.ts'
import { NS, clark } from '../xml/dav-namespaces.ts'
import { el } from '../xml/xml-writer.ts'
import type { PropertyDefinition } from './property-definition.ts'

const C = (local: string) => clark(NS.CALDAV, local)
const href = (value: string) => el(clark(NS.DAV, 'href'), [value])

export const caldavProperties: PropertyDefinition[] = [
  {
    name: C('calendar-home-set'),
    allprop: false,
    get: (req, r) => (r.type === 'principal' ? [href(homeHref('calendar', req.account.email))] : undefined),
  },
  {
    name: C('calendar-user-address-set'),
    allprop: false,
    get: (req, r) => (r.type === 'principal' ? [href(`mailto:${req.account.email}`)] : undefined),
  },
  {
    name: C('calendar-description'),
    allprop: true,
    get: (_req, r) =>
      r.type === 'collection' && r.collection.kind === 'calendar' && r.collection.description !== null
        ? [r.collection.description]
        : undefined,
  },
  {
    name: C('calendar-timezone'),
    allprop: false,
    get: (_req, r) =>
      r.type === 'collection' && r.collection.kind === 'calendar' && r.collection.timezone !== null
        ? [r.collection.timezone]
        : undefined,
  },
  {
    name: C('supported-calendar-component-set'),
    allprop: false,
    get: (_req, r) =>
      r.type === 'collection' && r.collection.kind === 'calendar'
        ? (r.collection.components ?? []).map(name => el(C('comp'), [], { name }))
        : undefined,
  },
  {
    name: C('supported-calendar-data'),
    allprop: false,
    get: (_req, r) =>
      r.type === 'collection' && r.collection.kind === 'calendar'
        ? [el(C('calendar-data'), [], { 'content-type': 'text/calendar', version: '2.0' })]
        : undefined,
  },
  {
    name: C('max-resource-size'),
    allprop: false,
    get: (req, r) =>
      r.type === 'collection' && r.collection.kind === 'calendar'
        ? [String(req.services.settings.maxResourceSize)]
        : undefined,
  },
  {
    name: clark(NS.APPLE_ICAL, 'calendar-color'),
    allprop: false,
    get: (_req, r) =>
      r.type === 'collection' && r.collection.kind === 'calendar' && r.collection.color !== null
        ? [r.collection.color]
        : undefined,
  },
]
