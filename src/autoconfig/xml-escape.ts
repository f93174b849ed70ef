// Text and attribute values for the hand-built XML documents (autoconfig, Autodiscover, plist).
// XML 1.0 §2.4: `<` and `&` never appear raw in character data; quotes are escaped for attributes.
// Characters XML 1.0 cannot carry at all (§2.2 Char: most C0 controls) are dropped.
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are exactly the characters removed
const NOT_XML_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g

export function escapeXml(value: string): string {
  return value
    .replace(NOT_XML_CHAR, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
}
