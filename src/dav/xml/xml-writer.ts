// Response XML, built as a small tree and serialized once. Every namespace in ./dav-namespaces.ts is
// declared on the root; elements in other namespaces (dead properties, unknown requested properties)
// get their own default-namespace declaration. Raw fragments are stored dead properties, already
// serialized with their own declarations.
import { PREFIXES, splitClark } from './dav-namespaces.ts'

export type XmlChild = XmlNode | string

export interface XmlNode {
  /** Clark name "{namespace}local". */
  name: string
  attributes?: Record<string, string>
  children?: XmlChild[]
  /** Serialized XML used verbatim instead of name/children (dead properties). */
  raw?: string
}

export const el = (name: string, children: XmlChild[] = [], attributes?: Record<string, string>): XmlNode => ({
  name,
  children,
  ...(attributes ? { attributes } : {}),
})

export const rawXml = (name: string, raw: string): XmlNode => ({ name, raw })

const TEXT_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '\r': '&#13;' }

/**
 * Escape character data. CR is written as a reference: XML parsers turn a literal CRLF into LF
 * (XML 1.0 §2.11), and iCalendar/vCard text in calendar-data must keep its CRLF line ends.
 */
export function escapeXmlText(text: string): string {
  return text.replace(/[&<>\r]/g, c => TEXT_ESCAPES[c] ?? c)
}

export function escapeXmlAttribute(text: string): string {
  return text.replace(/[&<>"]/g, c => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&quot;'))
}

/** XML 1.0 §2.2 forbids most control characters even as references; drop them from output text. */
const stripInvalidXmlChars = (text: string) => text.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '')

function writeNode(node: XmlChild, out: string[]): void {
  if (typeof node === 'string') {
    out.push(escapeXmlText(stripInvalidXmlChars(node)))
    return
  }
  if (node.raw !== undefined) {
    out.push(node.raw)
    return
  }
  const { namespace, local } = splitClark(node.name)
  const prefix = PREFIXES[namespace]
  const tag = prefix ? `${prefix}:${local}` : local
  out.push('<', tag)
  if (!prefix) out.push(' xmlns="', escapeXmlAttribute(namespace), '"')
  for (const [k, v] of Object.entries(node.attributes ?? {})) out.push(' ', k, '="', escapeXmlAttribute(v), '"')
  const children = node.children ?? []
  if (children.length === 0) {
    out.push('/>')
    return
  }
  out.push('>')
  for (const child of children) writeNode(child, out)
  out.push('</', tag, '>')
}

/** A complete document: XML declaration, then `root` with every known namespace declared. */
export function serializeXml(root: XmlNode): string {
  const declarations = Object.entries(PREFIXES)
    .map(([namespace, prefix]) => ` xmlns:${prefix}="${escapeXmlAttribute(namespace)}"`)
    .join('')
  const body: string[] = []
  writeNode(root, body)
  // Insert the declarations into the root's start tag (after its name).
  const first = body.join('')
  const nameEnd = first.search(/[\s/>]/)
  return `<?xml version="1.0" encoding="utf-8"?>\n${first.slice(0, nameEnd)}${declarations}${first.slice(nameEnd)}`
}
