// The fields of a header block as postal-mime's MimeNode reads them (mime-node.js feed and
// processHeaders), so the envelope parser gets the same keys and values without the MIME tree:
//   - a line ends at LF; CR and LF at its end are dropped (postal-mime readLine);
//   - the first empty line ends the header (RFC 5322 §2.1);
//   - a line starting with SP or HT continues the field above it (RFC 5322 §2.2.3 folding); the
//     parts are joined without the line breaks, so folding white space stays;
//   - the key is the text before the first colon, white space trimmed, lower-cased; the value is
//     the rest with SP/HT trimmed (a line without a colon is a key with an empty value).
// Bytes are UTF-8 (RFC 6532); invalid sequences become U+FFFD, as in postal-mime.
const utf8 = new TextDecoder('utf-8', { ignoreBOM: true })

export interface HeaderLine {
  key: string
  value: string
}

export function headerLines(header: Uint8Array): HeaderLine[] {
  const text = utf8.decode(header)
  const groups: string[][] = []
  let pos = 0
  while (pos < text.length) {
    const lf = text.indexOf('\n', pos)
    const next = lf < 0 ? text.length : lf + 1
    let end = lf < 0 ? text.length : lf
    while (end > pos && text.charCodeAt(end - 1) === 0x0d) end--
    if (end === pos) break
    const line = text.slice(pos, end)
    const lead = line.charCodeAt(0)
    const last = groups.at(-1)
    if ((lead === 0x20 || lead === 0x09) && last !== undefined) last.push(line)
    else groups.push([line])
    pos = next
  }
  return groups.map(parts => {
    const unfolded = parts.join('')
    const colon = unfolded.indexOf(':')
    if (colon < 0) return { key: trimWsp(unfolded).toLowerCase(), value: '' }
    return {
      key: trimWsp(unfolded.slice(0, colon)).toLowerCase(),
      value: trimWsp(unfolded.slice(colon + 1).replace(/[\r\n]+/g, ' ')),
    }
  })
}

/** Trim SP and HT only (postal-mime trimWsp): other white space may be part of a value. */
function trimWsp(s: string): string {
  let start = 0
  let end = s.length
  while (start < end && (s.charCodeAt(start) === 0x20 || s.charCodeAt(start) === 0x09)) start++
  while (end > start && (s.charCodeAt(end - 1) === 0x20 || s.charCodeAt(end - 1) === 0x09)) end--
  return s.slice(start, end)
}
