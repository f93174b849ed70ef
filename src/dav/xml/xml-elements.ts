// Reading parsed request XML: element children by namespace and local name, text content, Clark
// names. Text nodes and comments between elements are ignored (RFC 4918 §17: whitespace in DAV
// bodies is insignificant).
import { XMLSerializer } from '@xmldom/xmldom'
import { clark } from './dav-namespaces.ts'
import type { XmlElement } from './parse-dav-xml.ts'

const ELEMENT_NODE = 1

export function childElements(parent: XmlElement): XmlElement[] {
  const out: XmlElement[] = []
  for (let node = parent.firstChild; node; node = node.nextSibling) {
    if (node.nodeType === ELEMENT_NODE) out.push(node as XmlElement)
  }
  return out
}

export function isElement(el: XmlElement, namespace: string, local: string): boolean {
  return el.namespaceURI === namespace && el.localName === local
}

export function findChild(parent: XmlElement, namespace: string, local: string): XmlElement | undefined {
  return childElements(parent).find(el => isElement(el, namespace, local))
}

export function findChildren(parent: XmlElement, namespace: string, local: string): XmlElement[] {
  return childElements(parent).filter(el => isElement(el, namespace, local))
}

export const elementClark = (el: XmlElement) => clark(el.namespaceURI ?? '', el.localName ?? el.nodeName)

export const textContent = (el: XmlElement) => el.textContent ?? ''

/** The element as XML text, with the namespace declarations it needs (dead properties). */
export const serializeElement = (el: XmlElement) => new XMLSerializer().serializeToString(el)
