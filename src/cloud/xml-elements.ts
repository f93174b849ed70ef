// Reading the XML answers of the AWS query APIs (CloudFormation, EC2): direct children by local
// name, list members (<member> in CloudFormation, <item> in EC2) and their text.
import { DOMParser, type Element } from '@xmldom/xmldom'

export function parseXmlRoot(text: string): Element {
  const doc = new DOMParser({ onError: () => {} }).parseFromString(text, 'text/xml')
  const root = doc.documentElement
  if (!root) throw new Error('not an XML document')
  return root
}

/** Element children with this local name (namespaces ignored). */
export function childElements(el: Element, name?: string): Element[] {
  const out: Element[] = []
  for (let n = el.firstChild; n; n = n.nextSibling)
    if (n.nodeType === 1 && (name === undefined || (n as Element).localName === name)) out.push(n as Element)
  return out
}

export const childElement = (el: Element | undefined, name: string): Element | undefined =>
  el ? childElements(el, name)[0] : undefined

/** Text of a descendant reached by a path of child names (`['Outputs']`, `['instanceState', 'name']`). */
export function childText(el: Element | undefined, ...path: string[]): string | undefined {
  let cur = el
  for (const name of path) cur = childElement(cur, name)
  return cur?.textContent ?? undefined
}

/** The items of a list element: `<Outputs><member>…` or `<reservationSet><item>…`. */
export function listItems(el: Element | undefined, listName: string): Element[] {
  const list = childElement(el, listName)
  return list ? childElements(list).filter(c => c.localName === 'member' || c.localName === 'item') : []
}
