// PROPFIND request bodies (RFC 4918 §9.1, §14.20): empty (= allprop), <allprop/> with an optional
// <include>, <propname/>, or <prop> with the wanted property names.
import { badRequest } from '../dav-error.ts'
import type { PropRequest } from '../properties/build-propstats.ts'
import { NS } from '../xml/dav-namespaces.ts'
import { parseDavXmlRoot, type XmlElement } from '../xml/parse-dav-xml.ts'
import { childElements, elementClark, findChild } from '../xml/xml-elements.ts'

export const propNamesOf = (prop: XmlElement): string[] => childElements(prop).map(elementClark)

export function parsePropfind(body: string): PropRequest {
  if (body.trim() === '') return { kind: 'allprop', include: [] }
  const root = parseDavXmlRoot(body, NS.DAV, 'propfind')
  const prop = findChild(root, NS.DAV, 'prop')
  if (prop) return { kind: 'prop', names: propNamesOf(prop) }
  if (findChild(root, NS.DAV, 'propname')) return { kind: 'propname' }
  if (findChild(root, NS.DAV, 'allprop')) {
    const include = findChild(root, NS.DAV, 'include')
    return { kind: 'allprop', include: include ? propNamesOf(include) : [] }
  }
  throw badRequest('propfind must contain prop, propname or allprop')
}

export type Depth = 0 | 1 | 'infinity'

/** RFC 4918 §10.2: "0", "1" or "infinity"; absent means infinity for PROPFIND. */
export function parseDepth(header: string | null, fallback: Depth): Depth {
  if (header === null) return fallback
  const value = header.trim().toLowerCase()
  if (value === '0') return 0
  if (value === '1') return 1
  if (value === 'infinity') return 'infinity'
  throw badRequest(`invalid Depth header "${header.slice(0, 20)}"`)
}
