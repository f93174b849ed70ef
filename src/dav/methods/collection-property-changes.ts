// Turn PROPPATCH set/remove instructions (RFC 4918 §9.2) — or the properties of MKCALENDAR and
// extended MKCOL (RFC 4791 §5.3.1, RFC 5689 §3) — into collection changes. Writable: displayname,
// the description of the collection's kind, calendar-color, calendar-timezone; when creating, also
// resourcetype and supported-calendar-component-set. Other live properties are protected (403);
// anything else is a dead property kept as the client sent it.
import type { CollectionChanges, DavCollectionKind } from '../../storage/repositories/dav/dav-records.ts'
import { CALENDAR_COMPONENTS } from '../caldav/parse-calendar-object.ts'
import { timezoneFrom } from '../caldav/calendar-timezone.ts'
import {
  LIVE_PROPERTIES,
  WRITABLE_COLLECTION_PROPERTIES as W,
  CREATE_ONLY_PROPERTIES,
} from '../properties/property-registry.ts'
import { NS } from '../xml/dav-namespaces.ts'
import type { XmlElement } from '../xml/parse-dav-xml.ts'
import {
  childElements,
  elementClark,
  findChildren,
  isElement,
  serializeElement,
  textContent,
} from '../xml/xml-elements.ts'

/** Longest displayname, description or colour kept (RFC 4918 §9.2.1: 507 when a value is too big). */
const MAX_TEXT_LENGTH = 4096
/** A calendar-timezone holds one VTIMEZONE, a few kB with every historical rule. */
const MAX_TIMEZONE_LENGTH = 64 * 1024

export interface PropertyInstruction {
  /** Clark name. */
  name: string
  /** The element to set, or null to remove the property. */
  element: XmlElement | null
}

export interface PlannedChanges {
  changes: CollectionChanges
  /** Set only when creating. */
  components?: string[]
  /** The resourcetype asked for when creating (null: not given). */
  resourceKind?: DavCollectionKind | 'plain' | null
  /** Properties that cannot be set, with the status for each (RFC 4918 §9.2.1). */
  failures: Map<string, number>
}

/** The set/remove instructions of a propertyupdate, or of a mkcol/mkcalendar's set. */
export function instructionsOf(container: XmlElement): PropertyInstruction[] {
  const out: PropertyInstruction[] = []
  for (const action of childElements(container)) {
    const remove = isElement(action, NS.DAV, 'remove')
    if (!remove && !isElement(action, NS.DAV, 'set')) continue
    for (const prop of findChildren(action, NS.DAV, 'prop')) {
      for (const element of childElements(prop)) {
        out.push({ name: elementClark(element), element: remove ? null : element })
      }
    }
  }
  return out
}

function resourceKindOf(element: XmlElement): DavCollectionKind | 'plain' {
  const types = childElements(element)
  if (types.some(t => isElement(t, NS.CALDAV, 'calendar'))) return 'calendar'
  if (types.some(t => isElement(t, NS.CARDDAV, 'addressbook'))) return 'addressbook'
  return 'plain'
}

export function planCollectionChanges(
  kind: DavCollectionKind,
  instructions: readonly PropertyInstruction[],
  options: { creating: boolean },
): PlannedChanges {
  const changes: CollectionChanges = {}
  const properties: Record<string, string | null> = {}
  const failures = new Map<string, number>()
  const plan: PlannedChanges = { changes, failures }
  const description = kind === 'calendar' ? W.calendarDescription : W.addressbookDescription
  for (const { name, element } of instructions) {
    const text = element ? textContent(element) : null
    const limit = name === W.timezone ? MAX_TIMEZONE_LENGTH : MAX_TEXT_LENGTH
    if (
      text !== null &&
      text.length > limit &&
      (name === W.displayName || name === description || name === W.color || name === W.timezone)
    ) {
      failures.set(name, 507)
    } else if (name === W.displayName) changes.displayName = text
    else if (name === description) changes.description = text
    else if (name === W.color && kind === 'calendar') changes.color = text?.trim() || null
    else if (name === W.timezone && kind === 'calendar') {
      try {
        if (text !== null && !timezoneFrom(text)) throw new Error('no VTIMEZONE')
        changes.timezone = text
      } catch {
        failures.set(name, 403)
      }
    } else if (options.creating && name === CREATE_ONLY_PROPERTIES.resourceType && element) {
      plan.resourceKind = resourceKindOf(element)
    } else if (options.creating && name === CREATE_ONLY_PROPERTIES.components && element && kind === 'calendar') {
      const comps = findChildren(element, NS.CALDAV, 'comp').map(c => (c.getAttribute('name') ?? '').toUpperCase())
      if (comps.length === 0 || comps.some(c => !(CALENDAR_COMPONENTS as readonly string[]).includes(c))) {
        failures.set(name, 403)
      } else plan.components = comps
    } else if (LIVE_PROPERTIES.has(name) || name === CREATE_ONLY_PROPERTIES.components) {
      failures.set(name, 403)
    } else {
      properties[name] = element ? serializeElement(element) : null
    }
  }
  if (Object.keys(properties).length > 0) changes.properties = properties
  return plan
}
