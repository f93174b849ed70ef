// The CARDDAV:filter of addressbook-query (RFC 6352 §10.5), parsed and evaluated. The filter's test
// ("anyof", the default, or "allof") combines its prop-filters; each prop-filter's own test combines
// its text-matches and param-filters for one property instance, and holds when some instance of the
// property passes (§10.5.1).
import ICAL from 'ical.js'
import { badRequest } from '../dav-error.ts'
import { parseTextMatch, textMatches, type TextMatch } from '../text-match.ts'
import { NS } from '../xml/dav-namespaces.ts'
import type { XmlElement } from '../xml/parse-dav-xml.ts'
import { findChild, findChildren } from '../xml/xml-elements.ts'

type Test = 'anyof' | 'allof'

export interface CardParamFilter {
  name: string
  isNotDefined: boolean
  textMatch: TextMatch | null
}

export interface CardPropFilter {
  name: string
  test: Test
  isNotDefined: boolean
  textMatches: TextMatch[]
  paramFilters: CardParamFilter[]
}

export interface AddressbookFilter {
  test: Test
  propFilters: CardPropFilter[]
}

function parseTest(element: XmlElement): Test {
  const test = element.getAttribute('test') || 'anyof'
  if (test !== 'anyof' && test !== 'allof') throw badRequest(`test must be anyof or allof, got ${test.slice(0, 20)}`)
  return test
}

function nameOf(element: XmlElement): string {
  const name = element.getAttribute('name')
  if (!name) throw badRequest(`${element.localName} needs a name attribute`)
  return name.toLowerCase()
}

function parseParamFilter(element: XmlElement): CardParamFilter {
  const match = findChild(element, NS.CARDDAV, 'text-match')
  return {
    name: nameOf(element),
    isNotDefined: findChild(element, NS.CARDDAV, 'is-not-defined') !== undefined,
    textMatch: match ? parseTextMatch(match, NS.CARDDAV, 'i;unicode-casemap') : null,
  }
}

export function parseAddressbookFilter(element: XmlElement): AddressbookFilter {
  return {
    test: parseTest(element),
    propFilters: findChildren(element, NS.CARDDAV, 'prop-filter').map(pf => ({
      name: nameOf(pf),
      test: parseTest(pf),
      isNotDefined: findChild(pf, NS.CARDDAV, 'is-not-defined') !== undefined,
      textMatches: findChildren(pf, NS.CARDDAV, 'text-match').map(m =>
        parseTextMatch(m, NS.CARDDAV, 'i;unicode-casemap'),
      ),
      paramFilters: findChildren(pf, NS.CARDDAV, 'param-filter').map(parseParamFilter),
    })),
  }
}

const combine = (test: Test, results: boolean[]) => (test === 'allof' ? results.every(Boolean) : results.some(Boolean))

function propertyText(prop: ICAL.Property): string {
  return prop
    .getValues()
    .map(v => (Array.isArray(v) ? v.join(';') : typeof v === 'string' ? v : String(v)))
    .join(',')
}

function paramMatches(prop: ICAL.Property, filter: CardParamFilter): boolean {
  const raw = prop.getParameter(filter.name)
  const values =
    raw === undefined || raw === null ? [] : (Array.isArray(raw) ? raw : [raw]).flatMap(v => String(v).split(','))
  if (filter.isNotDefined) return values.length === 0
  if (values.length === 0) return false
  const match = filter.textMatch
  return match === null || values.some(v => textMatches(match, v))
}

/** Properties named `name`, also when written with a group prefix (RFC 6350 §3.3: "item1.EMAIL"). */
function propertiesNamed(card: ICAL.Component, name: string): ICAL.Property[] {
  return card.getAllProperties().filter(p => p.name === name || p.name.endsWith(`.${name}`))
}

function propFilterMatches(card: ICAL.Component, filter: CardPropFilter): boolean {
  const props = propertiesNamed(card, filter.name)
  if (filter.isNotDefined) return props.length === 0
  if (props.length === 0) return false
  if (filter.textMatches.length === 0 && filter.paramFilters.length === 0) return true
  return props.some(p =>
    combine(filter.test, [
      ...filter.textMatches.map(m => textMatches(m, propertyText(p))),
      ...filter.paramFilters.map(f => paramMatches(p, f)),
    ]),
  )
}

export function matchesAddressbookFilter(card: ICAL.Component, filter: AddressbookFilter): boolean {
  // RFC 6352 §10.5: an empty filter matches every address object.
  if (filter.propFilters.length === 0) return true
  return combine(
    filter.test,
    filter.propFilters.map(f => propFilterMatches(card, f)),
  )
}
