// COMPRESS algorithm (RFC 4978 §3); only DEFLATE is defined, the command decides what it supports.
import type { ImapTokenizer } from '../tokenizer.ts'

export interface CompressCommand {
  name: 'COMPRESS'
  /** Upper-cased, e.g. DEFLATE. */
  algorithm: string
}

export function parseCompress(t: ImapTokenizer): CompressCommand {
  t.space('compression algorithm')
  return { name: 'COMPRESS', algorithm: t.atomUpper('compression algorithm') }
}
