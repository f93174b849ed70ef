// STATUS mailbox (status-att *(SP status-att)) (RFC 9051 §6.3.11; HIGHESTMODSEQ RFC 7162 §3.1.9;
// APPENDLIMIT RFC 7889 §3; SIZE and DELETED RFC 9051; RECENT RFC 3501).
import type { ImapTokenizer } from '../tokenizer.ts'

export const STATUS_ITEMS = [
  'MESSAGES',
  'UIDNEXT',
  'UIDVALIDITY',
  'UNSEEN',
  'DELETED',
  'SIZE',
  'RECENT',
  'HIGHESTMODSEQ',
  'APPENDLIMIT',
] as const
export type StatusItem = (typeof STATUS_ITEMS)[number]

export interface StatusCommand {
  name: 'STATUS'
  mailbox: string
  items: StatusItem[]
}

/** "(" status-att *(SP status-att) ")", duplicates dropped; also used by LIST RETURN (STATUS ...). */
export function readStatusItems(t: ImapTokenizer): StatusItem[] {
  const items = t.list('status item list', () => {
    const item = t.atomUpper('status item')
    if (!(STATUS_ITEMS as readonly string[]).includes(item)) t.fail(`Unknown STATUS item ${item}`)
    return item as StatusItem
  })
  return [...new Set(items)]
}

export function parseStatus(t: ImapTokenizer): StatusCommand {
  t.space('mailbox name')
  const mailbox = t.mailbox()
  t.space('status item list')
  return { name: 'STATUS', mailbox, items: readStatusItems(t) }
}
