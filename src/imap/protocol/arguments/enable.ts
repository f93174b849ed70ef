// ENABLE 1*(SP capability) (RFC 5161 §3.1, RFC 9051 §6.3.1).
import type { ImapTokenizer } from '../tokenizer.ts'

export interface EnableCommand {
  name: 'ENABLE'
  /** Upper-cased, e.g. CONDSTORE, QRESYNC, UTF8=ACCEPT, IMAP4REV2. */
  capabilities: string[]
}

export function parseEnable(t: ImapTokenizer): EnableCommand {
  t.space('capability')
  const capabilities = [t.atomUpper('capability')]
  while (t.more()) capabilities.push(t.atomUpper('capability'))
  return { name: 'ENABLE', capabilities }
}
