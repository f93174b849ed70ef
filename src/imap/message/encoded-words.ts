// RFC 2047 encoded-words. IMAP sends header text undecoded, so decoding is only for callers that
// show names (the API's attachment list); encoding turns an RFC 2231 parameter we decoded back
// into the form nearly every IMAP client decodes in BODYSTRUCTURE (`"=?utf-8?B?...?="`).
import { binaryBytes } from './header-text.ts'

const encoder = new TextEncoder()

/** RFC 2047 §2: an encoded-word is at most 75 characters; 45 octets of base64 make 60. */
const MAX_CHUNK_OCTETS = 45

/** `text` as one or more `=?utf-8?B?...?=` words separated by SP (adjacent words join, §6.2). */
export function encodeWords(text: string): string {
  const words: string[] = []
  let chunk = ''
  let chunkOctets = 0
  for (const ch of text) {
    const octets = encoder.encode(ch).length
    if (chunkOctets + octets > MAX_CHUNK_OCTETS && chunk !== '') {
      words.push(encodeWord(chunk))
      chunk = ''
      chunkOctets = 0
    }
    chunk += ch
    chunkOctets += octets
  }
  if (chunk !== '' || words.length === 0) words.push(encodeWord(chunk))
  return words.join(' ')
}

const encodeWord = (text: string) => `=?utf-8?B?${Buffer.from(text, 'utf8').toString('base64')}?=`

const ENCODED_WORD = /=\?([^?\s]+)\?([bBqQ])\?([^?\s]*)\?=/g

/**
 * Decode the encoded-words in `text` (a display string). Whitespace between two adjacent encoded
 * words is dropped (§6.2); a word with an unknown charset is left as written.
 */
export function decodeWords(text: string): string {
  let out = ''
  let last = 0
  let previousWasWord = false
  for (const match of text.matchAll(ENCODED_WORD)) {
    const index = match.index
    const between = text.slice(last, index)
    const decoded = decodeWord(match[1] as string, match[2] as string, match[3] as string)
    if (!(previousWasWord && decoded !== null && /^[ \t\r\n]*$/.test(between))) out += between
    out += decoded ?? match[0]
    previousWasWord = decoded !== null
    last = index + match[0].length
  }
  return out + text.slice(last)
}

function decodeWord(charsetSpec: string, encoding: string, payload: string): string | null {
  // RFC 2231 §5: the charset may carry a language, `utf-8*en`.
  const charset = charsetSpec.split('*')[0] as string
  const bytes = encoding === 'b' || encoding === 'B' ? new Uint8Array(Buffer.from(payload, 'base64')) : decodeQ(payload)
  return decodeCharset(bytes, charset)
}

function decodeQ(payload: string): Uint8Array {
  const text = payload
    .replace(/_/g, ' ')
    .replace(/=([0-9a-fA-F]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)))
  return binaryBytes(text)
}

/** Octets in a named charset, or null when the charset is unknown. US-ASCII reads as UTF-8. */
export function decodeCharset(bytes: Uint8Array, charset: string): string | null {
  const label = charset.trim().toLowerCase()
  const encoding = (label === '' || label === 'us-ascii' || label === 'ascii' ? 'utf-8' : label) as 'utf-8'
  try {
    // Any WHATWG label works at run time; the type only lists a few.
    return new TextDecoder(encoding).decode(bytes)
  } catch {
    return null
  }
}
