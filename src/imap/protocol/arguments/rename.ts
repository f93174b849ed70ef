// RENAME existing-mailbox new-mailbox (RFC 9051 §6.3.6).
import type { ImapTokenizer } from '../tokenizer.ts'

export interface RenameCommand {
  name: 'RENAME'
  from: string
  to: string
}

export function parseRename(t: ImapTokenizer): RenameCommand {
  t.space('mailbox name')
  const from = t.mailbox()
  t.space('new mailbox name')
  return { name: 'RENAME', from, to: t.mailbox('new mailbox name') }
}
