// STORE sequence-set [SP "(" UNCHANGEDSINCE modseq ")"] SP [+|-]FLAGS[.SILENT] SP flags, and
// UID STORE (RFC 9051 §6.4.6; UNCHANGEDSINCE RFC 7162 §3.1.3).
import { dedupeFlags, readFlag, readFlagList } from '../flags.ts'
import type { SequenceSet } from '../sequence-set.ts'
import type { ImapTokenizer } from '../tokenizer.ts'

export interface StoreCommand {
  name: 'STORE'
  uid: boolean
  sequenceSet: SequenceSet
  /** UNCHANGEDSINCE mod-sequence (0 allowed: fails for every message with a modseq), or null. */
  unchangedSince: number | null
  /** FLAGS replaces, +FLAGS adds, -FLAGS removes. */
  operation: 'replace' | 'add' | 'remove'
  /** .SILENT: no untagged FETCH with the new flags. */
  silent: boolean
  flags: string[]
}

const OPEN_PAREN = 0x28

export function parseStore(t: ImapTokenizer, uid: boolean): StoreCommand {
  t.space(uid ? 'UID set' : 'sequence set')
  const sequenceSet = t.sequenceSet(uid ? 'UID set' : 'sequence set')
  t.space('STORE data item')
  let unchangedSince: number | null = null
  if (t.peek() === OPEN_PAREN) {
    t.list('STORE modifiers', () => {
      const modifier = t.atomUpper('STORE modifier')
      if (modifier !== 'UNCHANGEDSINCE') t.fail(`Unknown STORE modifier ${modifier}`)
      t.space('mod-sequence value after UNCHANGEDSINCE')
      unchangedSince = t.number('UNCHANGEDSINCE mod-sequence value', { wide: true })
    })
    t.space('STORE data item')
  }
  const item = t.atomUpper('STORE data item')
  const match = /^([+-]?)FLAGS(\.SILENT)?$/.exec(item)
  if (match === null) t.fail(`Invalid STORE data item ${item}: expected FLAGS, +FLAGS or -FLAGS (.SILENT)`)
  const operation = match[1] === '+' ? 'add' : match[1] === '-' ? 'remove' : 'replace'
  t.space('flag list')
  let flags: string[]
  if (t.peek() === OPEN_PAREN) flags = readFlagList(t)
  else {
    flags = [readFlag(t)]
    while (t.more()) flags.push(readFlag(t))
    flags = dedupeFlags(flags)
  }
  return { name: 'STORE', uid, sequenceSet, unchangedSince, operation, silent: match[2] !== undefined, flags }
}
