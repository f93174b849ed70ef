// EXPUNGE (RFC 9051 §6.4.3) and UID EXPUNGE sequence-set (RFC 4315 §2.1, RFC 9051 §6.4.9).
import type { SequenceSet } from '../sequence-set.ts'
import type { ImapTokenizer } from '../tokenizer.ts'

export interface ExpungeCommand {
  name: 'EXPUNGE'
  uid: boolean
  /** UID EXPUNGE: only these UIDs; null for plain EXPUNGE. */
  uids: SequenceSet | null
}

export function parseExpunge(t: ImapTokenizer, uid: boolean): ExpungeCommand {
  if (!uid) {
    if (!t.atEnd) t.fail('EXPUNGE takes no arguments (UID EXPUNGE takes a UID set)')
    return { name: 'EXPUNGE', uid, uids: null }
  }
  t.space('UID set')
  return { name: 'EXPUNGE', uid, uids: t.sequenceSet('UID set') }
}
