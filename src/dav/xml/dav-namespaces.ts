// XML namespaces a DAV client meets, with the prefixes this server writes (RFC 4918 §21.1 "DAV:",
// RFC 4791 §4 CalDAV, RFC 6352 §3 CardDAV; getctag and calendar-color are de-facto extensions from
// Apple's CalendarServer that older clients still ask for).
export const NS = {
  DAV: 'DAV:',
  CALDAV: 'urn:ietf:params:xml:ns:caldav',
  CARDDAV: 'urn:ietf:params:xml:ns:carddav',
  CALENDARSERVER: 'http://calendarserver.org/ns/',
  APPLE_ICAL: 'http://apple.com/ns/ical/',
} as const

/** Prefixes declared on every response root, so property values never need their own declarations. */
export const PREFIXES: Readonly<Record<string, string>> = {
  [NS.DAV]: 'd',
  [NS.CALDAV]: 'cal',
  [NS.CARDDAV]: 'card',
  [NS.CALENDARSERVER]: 'cs',
  [NS.APPLE_ICAL]: 'ical',
}

/** Clark notation "{namespace}local", the key for property names everywhere in src/dav. */
export const clark = (namespace: string, local: string) => `{${namespace}}${local}`

export function splitClark(name: string): { namespace: string; local: string } {
  const close = name.indexOf('}')
  if (!name.startsWith('{') || close < 0) return { namespace: '', local: name }
  return { namespace: name.slice(1, close), local: name.slice(close + 1) }
}
