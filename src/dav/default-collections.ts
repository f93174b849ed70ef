// The collections every account starts with, created on first access (issue 10): one calendar for
// events, one task list, one address book. Deleting all collections of a kind brings the defaults
// back on the next access; deleting one of several does not.
import type { CreateCollectionInput, DavCollectionKind } from '../storage/repositories/dav/dav-records.ts'

type DefaultCollection = Omit<CreateCollectionInput, 'accountId' | 'kind'>

export const DEFAULT_COLLECTIONS: Record<DavCollectionKind, readonly DefaultCollection[]> = {
  calendar: [
    { name: 'default', displayName: 'Calendar', components: ['VEVENT'] },
    { name: 'tasks', displayName: 'Tasks', components: ['VTODO'] },
  ],
  addressbook: [{ name: 'default', displayName: 'Contacts' }],
}

/** Components a calendar accepts when MKCALENDAR does not say (RFC 4791 §5.2.3: all of them). */
export const ALL_CALENDAR_COMPONENTS = ['VEVENT', 'VTODO', 'VJOURNAL'] as const
