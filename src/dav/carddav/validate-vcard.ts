// PUT/COPY preconditions for address data (RFC 6352 §6.3.2.1): exactly one vCard
// (CARDDAV:valid-address-data) of version 3.0 (RFC 2426) or 4.0 (RFC 6350) with FN (required by both)
// and a UID (RFC 6352 §5.1: one vCard per resource, its UID unique in the address book).
// The bytes are stored as sent.
import ICAL from 'ical.js'
import { DavError, davPrecondition } from '../dav-error.ts'
import { NS } from '../xml/dav-namespaces.ts'

export const VCARD_VERSIONS = ['3.0', '4.0'] as const

export interface ValidatedVCard {
  uid: string
  version: string
}

const invalid = (why: string) => davPrecondition(403, NS.CARDDAV, 'valid-address-data', why)

export function parseVCard(text: string): ICAL.Component {
  let jcard: unknown
  try {
    jcard = ICAL.parse(text)
  } catch (e) {
    throw invalid(`not a valid vCard: ${e instanceof Error ? e.message : String(e)}`.slice(0, 300))
  }
  if (!Array.isArray(jcard) || typeof jcard[0] !== 'string') throw invalid('an address object holds exactly one vCard')
  const card = new ICAL.Component(jcard as unknown[])
  if (card.name !== 'vcard') throw invalid(`expected BEGIN:VCARD, got BEGIN:${card.name.toUpperCase()}`)
  return card
}

export function validateVCard(text: string): ValidatedVCard {
  const card = parseVCard(text)
  try {
    return checkVCard(card)
  } catch (e) {
    if (e instanceof DavError) throw e
    // ical.js decodes values lazily and throws plain errors for malformed ones.
    throw invalid(`invalid value: ${e instanceof Error ? e.message : String(e)}`.slice(0, 300))
  }
}

function checkVCard(card: ICAL.Component): ValidatedVCard {
  const version = card.getFirstPropertyValue('version')
  if (typeof version !== 'string' || !(VCARD_VERSIONS as readonly string[]).includes(version)) {
    throw invalid(`VERSION must be 3.0 or 4.0, got ${String(version ?? 'none').slice(0, 20)}`)
  }
  const fn = card.getFirstPropertyValue('fn')
  if (typeof fn !== 'string') throw invalid('FN is required')
  const uid = card.getFirstPropertyValue('uid')
  if (typeof uid !== 'string' || uid.trim() === '') throw invalid('UID is required')
  return { uid, version }
}
