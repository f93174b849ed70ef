// COPY / MOVE sequence-set mailbox, and their UID forms (RFC 9051 §6.4.7-8; MOVE RFC 6851 §3).
import type { SequenceSet } from '../sequence-set.ts'
import type { ImapTokenizer } from '../tokenizer.ts'

export interface CopyMoveCommand {
  name: 'COPY' | 'MOVE'
  uid: boolean
  sequenceSet: SequenceSet
  mailbox: string
}

export function parseCopyMove(name: 'COPY' | 'MOVE') {
  return (t: ImapTokenizer, uid: boolean): CopyMoveCommand => {
    t.space(uid ? 'UID set' : 'sequence set')
    const sequenceSet = t.sequenceSet(uid ? 'UID set' : 'sequence set')
    t.space('mailbox name')
    return { name, uid, sequenceSet, mailbox: t.mailbox() }
  }
}
