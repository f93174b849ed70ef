// The file name of a part for display (API attachment lists, not IMAP): Content-Disposition
// filename (RFC 2183 §2.3), else the Content-Type name parameter that older mailers send, with
// RFC 2231 already merged by the parser and RFC 2047 encoded-words decoded here.
import { decodeWords } from './encoded-words.ts'
import type { MimePart } from './mime-tree.ts'

export function partFilename(part: MimePart): string | null {
  const fromDisposition = part.disposition?.params.find(([name]) => name.toLowerCase() === 'filename')?.[1]
  const value = fromDisposition ?? part.params.find(([name]) => name.toLowerCase() === 'name')?.[1]
  return value === undefined ? null : decodeWords(value)
}
