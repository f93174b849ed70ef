// SELECT / EXAMINE mailbox [SP "(" select-param *(SP select-param) ")"] (RFC 9051 §6.3.2-3,
// select-params RFC 4466 §2.1; CONDSTORE RFC 7162 §3.1.8; QRESYNC RFC 7162 §3.2.5).
import type { SequenceSet } from '../sequence-set.ts'
import type { ImapTokenizer } from '../tokenizer.ts'

export interface QresyncParameters {
  uidValidity: number
  modseq: number
  /** UIDs the client knows about (no "*" or "$"). */
  knownUids: SequenceSet | null
  /** seq-match-data: message numbers and the UIDs they had, to narrow down expunges. */
  sequenceMatch: { sequences: SequenceSet; uids: SequenceSet } | null
}

export interface SelectCommand {
  name: 'SELECT' | 'EXAMINE'
  mailbox: string
  condstore: boolean
  qresync: QresyncParameters | null
}

const SP = 0x20
const OPEN_PAREN = 0x28
const CLOSE_PAREN = 0x29
const KNOWN = { allowSaved: false, allowStar: false }

export function parseSelect(name: 'SELECT' | 'EXAMINE') {
  return (t: ImapTokenizer): SelectCommand => {
    t.space('mailbox name')
    const command: SelectCommand = { name, mailbox: t.mailbox(), condstore: false, qresync: null }
    if (!t.more()) return command
    t.list(
      `${name} parameters`,
      () => {
        const parameter = t.atomUpper(`${name} parameter`)
        if (parameter === 'CONDSTORE') command.condstore = true
        else if (parameter === 'QRESYNC') {
          t.space('QRESYNC parameters')
          command.qresync = readQresync(t)
        } else t.fail(`Unknown ${name} parameter ${parameter}`)
      },
      { allowEmpty: true },
    )
    return command
  }
}

/** "(" uidvalidity SP mod-sequence-value [SP known-uids] [SP seq-match-data] ")" */
function readQresync(t: ImapTokenizer): QresyncParameters {
  t.expect(OPEN_PAREN, 'Expected "(" to start QRESYNC parameters')
  const uidValidity = t.number('QRESYNC UIDVALIDITY', { nonZero: true })
  t.space('QRESYNC mod-sequence value')
  const modseq = t.number('QRESYNC mod-sequence value', { wide: true })
  const result: QresyncParameters = { uidValidity, modseq, knownUids: null, sequenceMatch: null }
  if (t.consume(SP)) {
    if (t.peek() !== OPEN_PAREN) {
      result.knownUids = t.sequenceSet('QRESYNC known UIDs', KNOWN)
      if (t.consume(SP)) result.sequenceMatch = readSequenceMatch(t)
    } else result.sequenceMatch = readSequenceMatch(t)
  }
  t.expect(CLOSE_PAREN, `Expected ")" to close QRESYNC parameters, got ${t.describeNext()}`)
  return result
}

/** seq-match-data = "(" known-sequence-set SP known-uid-set ")" */
function readSequenceMatch(t: ImapTokenizer): QresyncParameters['sequenceMatch'] {
  t.expect(OPEN_PAREN, 'Expected "(" to start QRESYNC sequence match data')
  const sequences = t.sequenceSet('QRESYNC known sequence set', KNOWN)
  t.space('QRESYNC known UID set')
  const uids = t.sequenceSet('QRESYNC known UID set', KNOWN)
  t.expect(CLOSE_PAREN, 'Expected ")" to close QRESYNC sequence match data')
  return { sequences, uids }
}
