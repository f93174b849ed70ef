// GETQUOTA quota-root and GETQUOTAROOT mailbox (RFC 9208 §4.2-3).
import type { ImapTokenizer } from '../tokenizer.ts'

export interface GetQuotaCommand {
  name: 'GETQUOTA'
  /** A quota root name as listed by GETQUOTAROOT; not a mailbox name, so not decoded. */
  root: string
}

export interface GetQuotaRootCommand {
  name: 'GETQUOTAROOT'
  mailbox: string
}

export function parseGetQuota(t: ImapTokenizer): GetQuotaCommand {
  t.space('quota root')
  return { name: 'GETQUOTA', root: t.astring('quota root') }
}

export function parseGetQuotaRoot(t: ImapTokenizer): GetQuotaRootCommand {
  t.space('mailbox name')
  return { name: 'GETQUOTAROOT', mailbox: t.mailbox() }
}
