// Commands whose only argument is a mailbox name: DELETE, SUBSCRIBE, UNSUBSCRIBE
// (RFC 9051 §6.3.5, §6.3.7-8).
import type { ImapTokenizer } from '../tokenizer.ts'

export interface MailboxOnlyCommand {
  name: 'DELETE' | 'SUBSCRIBE' | 'UNSUBSCRIBE'
  mailbox: string
}

export function parseMailboxOnly(name: MailboxOnlyCommand['name']) {
  return (t: ImapTokenizer): MailboxOnlyCommand => {
    t.space('mailbox name')
    return { name, mailbox: t.mailbox() }
  }
}
