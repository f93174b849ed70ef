// FETCH sequence-set items [SP "(" fetch-modifier *(SP fetch-modifier) ")"], and UID FETCH
// (RFC 9051 §6.4.5; modifiers RFC 4466 §2.4; CHANGEDSINCE RFC 7162 §3.1.4; VANISHED §3.2.6).
import { type FetchAttribute, readFetchAttributes } from '../fetch-attributes.ts'
import type { SequenceSet } from '../sequence-set.ts'
import type { ImapTokenizer } from '../tokenizer.ts'

export interface FetchCommand {
  name: 'FETCH'
  uid: boolean
  sequenceSet: SequenceSet
  /** Macros (ALL, FAST, FULL) already expanded. */
  attributes: FetchAttribute[]
  /** CHANGEDSINCE mod-sequence, or null. */
  changedSince: number | null
  /** VANISHED: report expunged UIDs too (UID FETCH with CHANGEDSINCE only). */
  vanished: boolean
}

export function parseFetch(t: ImapTokenizer, uid: boolean): FetchCommand {
  t.space(uid ? 'UID set' : 'sequence set')
  const sequenceSet = t.sequenceSet(uid ? 'UID set' : 'sequence set')
  t.space('fetch attributes')
  const command: FetchCommand = {
    name: 'FETCH',
    uid,
    sequenceSet,
    attributes: readFetchAttributes(t),
    changedSince: null,
    vanished: false,
  }
  if (!t.more()) return command
  t.list('FETCH modifiers', () => {
    const modifier = t.atomUpper('FETCH modifier')
    if (modifier === 'CHANGEDSINCE') {
      t.space('mod-sequence value after CHANGEDSINCE')
      command.changedSince = t.number('CHANGEDSINCE mod-sequence value', { wide: true, nonZero: true })
    } else if (modifier === 'VANISHED') command.vanished = true
    else t.fail(`Unknown FETCH modifier ${modifier}`)
  })
  // RFC 7162 §3.2.6: VANISHED only in UID FETCH and only together with CHANGEDSINCE.
  if (command.vanished && !uid) t.fail('VANISHED is only allowed in UID FETCH')
  if (command.vanished && command.changedSince === null) t.fail('VANISHED requires CHANGEDSINCE')
  return command
}
