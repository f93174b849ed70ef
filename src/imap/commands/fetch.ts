// FETCH / UID FETCH sequence-set items [(CHANGEDSINCE n [VANISHED])] (RFC 9051 §6.4.5, §6.4.9;
// BINARY RFC 3516 §4.2; CONDSTORE/QRESYNC RFC 7162 §3.1.4 and §3.2.6). ENVELOPE, BODY and
// BODYSTRUCTURE come from the cached analysis (messages.bodystructure_json); a message without one
// is analysed once here and the result cached. Body sections are views of the stored octets, so
// BODY[] is byte-identical to the file; the session flushes its queue as it grows, so a large
// FETCH goes out message by message rather than in one buffer.
//
// A FETCH of BODY[...]/BINARY[...] without .PEEK, RFC822 or RFC822.TEXT sets \Seen in a read-write
// mailbox and the response then carries FLAGS (RFC 9051 §6.4.5).
import { internalError, syntaxError, userError } from '../../core/errors.ts'
import type { MessageRecord } from '../../storage/index.ts'
import type { FetchAttribute } from '../protocol/fetch-attributes.ts'
import { formatFetchItemName } from '../protocol/fetch-attributes.ts'
import { filterUidsInSet, formatNumbersAsSequenceSet } from '../protocol/sequence-set.ts'
import { NIL, type ResponseValue, dateTimeValue, flagListValue, list, literal, raw } from '../protocol/serializer.ts'
import { SELECTED, type CommandContext, defineCommand } from '../session/command-context.ts'
import { responseFlags } from '../session/message-flags.ts'
import { requireSelected } from '../session/session-guards.ts'
import { toUidRanges } from '../session/uid-ranges.ts'
import type { SelectedMailbox } from '../session/selected-mailbox.ts'
import { loadMessageAnalysis, type LoadedMessage } from './message-content.ts'
import {
  type MessageAnalysis,
  binarySectionSize,
  bodyStructureValue,
  bodyValue,
  envelopeValue,
  extractBinarySection,
  extractBodySection,
  seenOnFetch,
} from '../message/index.ts'

export const fetchCommand = defineCommand({
  name: 'FETCH',
  states: SELECTED,
  // RFC 9051 §7.5.1: no EXPUNGE while answering FETCH by message sequence number.
  deferExpunge: command => !command.uid,
  async run(ctx, command) {
    const view = requireSelected(ctx)
    if (command.vanished && !ctx.enabled.qresync) {
      throw syntaxError('VANISHED needs ENABLE QRESYNC first (RFC 7162 §3.2.6)')
    }
    const attributes = withImpliedItems(command.attributes, command.uid, command.changedSince !== null)
    // RFC 7162 §3.1: FETCH MODSEQ and CHANGEDSINCE are CONDSTORE-enabling.
    if (attributes.some(a => a.type === 'item' && a.name === 'MODSEQ')) ctx.enable('CONDSTORE')
    const uids = view.uidsOf(command.sequenceSet, command.uid)
    if (command.vanished && command.changedSince !== null && command.sequenceSet.kind === 'set') {
      const gone = await ctx.storage.messages.expungedSince(view.mailboxId, command.changedSince)
      const named = filterUidsInSet(command.sequenceSet.ranges, gone)
      if (named.length > 0) {
        ctx.untagged([raw('VANISHED'), list([raw('EARLIER')]), raw(formatNumbersAsSequenceSet(named))])
      }
    }
    if (uids.length === 0) return undefined
    const ranges = toUidRanges(uids)
    const records = await ctx.storage.messages.list(
      view.mailboxId,
      command.changedSince === null ? { uids: ranges } : { uids: ranges, changedSince: command.changedSince },
    )
    const seenChanged = await markSeen(ctx, view, records, attributes)
    let unreadable = 0
    for (const original of records) {
      const seq = view.seqOf(original.uid)
      if (seq === undefined || view.isExpungePending(original.uid)) continue
      const record = seenChanged.get(original.uid) ?? original
      const items = await fetchItems(ctx, view, record, attributes, seenChanged.has(original.uid))
      if (items === null) {
        unreadable++
        continue
      }
      ctx.untagged([raw(seq), raw('FETCH'), list(items)])
    }
    if (unreadable > 0) throw userError(`${unreadable} message(s) could not be read`, { imap: 'SERVERBUG' })
    return undefined
  },
})

const CONTENT_ITEMS: readonly string[] = ['RFC822', 'RFC822.HEADER', 'RFC822.TEXT']

/** UID FETCH always returns UID (RFC 9051 §6.4.9); CHANGEDSINCE implies MODSEQ (RFC 7162 §3.1.4.1). */
function withImpliedItems(attributes: readonly FetchAttribute[], uid: boolean, changedSince: boolean) {
  const out = [...attributes]
  const has = (name: string) => out.some(a => a.type === 'item' && a.name === name)
  if (uid && !has('UID')) out.unshift({ type: 'item', name: 'UID' })
  if (changedSince && !has('MODSEQ')) out.push({ type: 'item', name: 'MODSEQ' })
  return out
}

/** Store \Seen for every message this FETCH reads; the updated records by UID. */
async function markSeen(
  ctx: CommandContext,
  view: SelectedMailbox,
  records: readonly MessageRecord[],
  attributes: readonly FetchAttribute[],
): Promise<Map<number, MessageRecord>> {
  const toMark = records.filter(
    r => seenOnFetch(attributes, { readOnly: view.readOnly, alreadySeen: r.flags.includes('\\Seen') }).setSeen,
  )
  const changed = new Map<number, MessageRecord>()
  if (toMark.length === 0) return changed
  const result = await ctx.storage.messages.setFlags(view.mailboxId, toUidRanges(toMark.map(r => r.uid)), {
    mode: 'add',
    flags: ['\\Seen'],
  })
  for (const record of result.changed) {
    changed.set(record.uid, record)
    view.acknowledgeFlags(record.uid, record.modseq)
  }
  return changed
}

/** The items of one message's FETCH response; null when its file cannot be read. */
async function fetchItems(
  ctx: CommandContext,
  view: SelectedMailbox,
  record: MessageRecord,
  attributes: readonly FetchAttribute[],
  seenChanged: boolean,
): Promise<ResponseValue[] | null> {
  // FLAGS, UID, INTERNALDATE, RFC822.SIZE and MODSEQ come from the index row alone.
  const needsBytes = attributes.some(a => a.type !== 'item' || CONTENT_ITEMS.includes(a.name))
  const needsAnalysis = attributes.some(
    a => a.type !== 'item' || ['ENVELOPE', 'BODY', 'BODYSTRUCTURE', 'RFC822.HEADER', 'RFC822.TEXT'].includes(a.name),
  )
  let loaded: LoadedMessage | null = null
  if (needsBytes || needsAnalysis) {
    loaded = await loadMessageAnalysis(ctx.storage, record, { needBytes: needsBytes })
    if (loaded === null) return null
  }
  const textOptions = { utf8: ctx.utf8 }
  const items: ResponseValue[] = []
  let flagsWritten = false
  const add = (name: string, value: ResponseValue) => items.push(raw(name), value)
  for (const attribute of attributes) {
    if (attribute.type === 'item') {
      switch (attribute.name) {
        case 'UID':
          add('UID', raw(record.uid))
          break
        case 'FLAGS':
          add('FLAGS', flagsValue(ctx, view, record))
          flagsWritten = true
          break
        case 'INTERNALDATE':
          add('INTERNALDATE', dateTimeValue(new Date(record.internalDate)))
          break
        case 'RFC822.SIZE':
          add('RFC822.SIZE', raw(loaded?.analysis.size ?? record.size))
          break
        case 'ENVELOPE':
          add('ENVELOPE', envelopeValue(analysisOf(loaded).envelope, textOptions))
          break
        case 'BODY':
          add('BODY', bodyValue(analysisOf(loaded).tree, textOptions))
          break
        case 'BODYSTRUCTURE':
          add('BODYSTRUCTURE', bodyStructureValue(analysisOf(loaded).tree, textOptions))
          break
        case 'MODSEQ':
          add('MODSEQ', list([raw(record.modseq)]))
          break
        case 'RFC822':
          add('RFC822', literal(bytesOf(loaded)))
          break
        case 'RFC822.HEADER':
        case 'RFC822.TEXT': {
          const text = attribute.name === 'RFC822.HEADER' ? 'header' : 'text'
          const bytes = extractBodySection(bytesOf(loaded), analysisOf(loaded).tree, {
            part: [],
            text: { type: text },
          })
          add(attribute.name, bytes === null ? NIL : literal(bytes))
          break
        }
      }
      continue
    }
    const bytes = bytesOf(loaded)
    const analysis = analysisOf(loaded)
    const name = formatFetchItemName(attribute)
    if (attribute.type === 'body-section') {
      const section = extractBodySection(bytes, analysis.tree, attribute.section, attribute.partial)
      add(name, section === null ? NIL : literal(section))
    } else if (attribute.type === 'binary') {
      const result = extractBinarySection(bytes, analysis.tree, attribute.part, attribute.partial)
      if (result.ok) add(name, literal(result.bytes, result.bytes.includes(0)))
      else if (result.reason === 'no-such-part') add(name, NIL)
      else throw unknownCte(result.encoding)
    } else {
      const result = binarySectionSize(bytes, analysis.tree, attribute.part)
      if (result.ok) add(name, raw(result.size))
      else if (result.reason === 'no-such-part') add(name, NIL)
      else throw unknownCte(result.encoding)
    }
  }
  if (seenChanged && !flagsWritten) {
    add('FLAGS', flagsValue(ctx, view, record))
    // RFC 7162 §3.1.4.1: a flag change reported to a CONDSTORE client carries its MODSEQ.
    if (ctx.enabled.condstore && !attributes.some(a => a.type === 'item' && a.name === 'MODSEQ')) {
      add('MODSEQ', list([raw(record.modseq)]))
    }
  }
  return items
}

/** The content loaded above for items that need it; missing means the need check is wrong. */
function analysisOf(loaded: LoadedMessage | null): MessageAnalysis {
  if (loaded === null) throw internalError('FETCH item without the message analysis')
  return loaded.analysis
}

function bytesOf(loaded: LoadedMessage | null): Uint8Array {
  if (loaded?.bytes == null) throw internalError('FETCH item without the message octets')
  return loaded.bytes
}

const flagsValue = (ctx: CommandContext, view: SelectedMailbox, record: MessageRecord) =>
  flagListValue(responseFlags(record, view.isRecent(record.uid) && !ctx.enabled.imap4rev2))

/** RFC 3516 §4.3: a transfer encoding the server cannot decode. */
const unknownCte = (encoding: string) =>
  userError(`Unknown Content-Transfer-Encoding ${encoding}`, { imap: 'UNKNOWN-CTE' })
