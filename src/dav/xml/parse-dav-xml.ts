// Request bodies (PROPFIND, PROPPATCH, REPORT, MKCOL/MKCALENDAR) parsed with @xmldom/xmldom, namespace
// aware. Malformed XML, a DOCTYPE (no entity expansion games: RFC 4918 §20.6) or an unexpected root is
// a 400 with the reason, before any handler runs.
import { DOMParser, onErrorStopParsing } from '@xmldom/xmldom'
import { DavError } from '../dav-error.ts'

export type XmlElement = import('@xmldom/xmldom').Element

export function parseDavXml(text: string): XmlElement {
  if (/<!DOCTYPE/i.test(text)) throw new DavError(400, 'XML bodies must not contain a DOCTYPE')
  let root: XmlElement | null
  try {
    const doc = new DOMParser({ onError: onErrorStopParsing }).parseFromString(text, 'text/xml')
    root = doc.documentElement
  } catch (e) {
    const reason = e instanceof Error ? e.message.replace(/^\[xmldom [^\]]*\]\s*/, '').split('\n')[0] : String(e)
    throw new DavError(400, `malformed XML body: ${reason?.slice(0, 200)}`)
  }
  if (!root) throw new DavError(400, 'malformed XML body: no root element')
  return root
}

/** Parse and require the root element `{namespace}local`. */
export function parseDavXmlRoot(text: string, namespace: string, local: string): XmlElement {
  const root = parseDavXml(text)
  if (root.namespaceURI !== namespace || root.localName !== local) {
    throw new DavError(400, `expected a {${namespace}}${local} body, got {${root.namespaceURI ?? ''}}${root.localName}`)
  }
  return root
}
