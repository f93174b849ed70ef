// Every live property by Clark name, and the ones PROPPATCH may change on a collection (issue 10:
// displayname, colour, description; plus calendar-timezone, RFC 4791 §5.2.2). Everything else in the
// registry is protected (RFC 4918 §16 cannot-modify-protected-property); names outside it are dead
// properties, stored as sent.
import { NS, clark } from '../xml/dav-namespaces.ts'
import { caldavProperties } from './caldav-properties.ts'
import { carddavProperties } from './carddav-properties.ts'
import type { PropertyDefinition } from './property-definition.ts'
import { webdavProperties } from './webdav-properties.ts'

export const LIVE_PROPERTIES: ReadonlyMap<string, PropertyDefinition> = new Map(
  [...webdavProperties, ...caldavProperties, ...carddavProperties].map(p => [p.name, p]),
)

export const WRITABLE_COLLECTION_PROPERTIES = {
  displayName: clark(NS.DAV, 'displayname'),
  calendarDescription: clark(NS.CALDAV, 'calendar-description'),
  addressbookDescription: clark(NS.CARDDAV, 'addressbook-description'),
  color: clark(NS.APPLE_ICAL, 'calendar-color'),
  timezone: clark(NS.CALDAV, 'calendar-timezone'),
} as const

/** Settable only when the collection is created (MKCALENDAR / extended MKCOL). */
export const CREATE_ONLY_PROPERTIES = {
  resourceType: clark(NS.DAV, 'resourcetype'),
  components: clark(NS.CALDAV, 'supported-calendar-component-set'),
} as const
