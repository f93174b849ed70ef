// FETCH / UID FETCH sequence-set items [(CHANGEDSINCE n [VANISHED])] (RFC 9051 §6.4.5, §6.4.9;
// BINARY RFC 3516 §4.2; CONDSTORE/QRESYNC RFC 7162 §3.1.4 and §3.2.6). ENVELOPE, BODY and
// BODYSTRUCTURE come from the cached analysis (messages.bodystructure_json); a message without one
// is analysed once here and the result cached. Body sections are the stored octets, so BODY[] is
// byte-identical to the file.
//
// Reading: one index read names every file of the command (session/message-loader.ts). Small
// messages are read synchronously into one reused buffer as they are answered (the cheapest way
// from the page cache, session/read-small-file.ts), and the session paces the command so a slow
// client or a big mailbox neither piles up output nor holds the event loop (session pace()); the
// next few big messages are read asynchronously while others are being answered. ENVELOPE alone
// comes from the cached text next to the analysis, without decoding it. A message of STREAM_THRESHOLD
// octets or more whose requested sections are plain octet ranges (BODY[...] other than
// HEADER.FIELDS, RFC822*) is never read into memory: its sections are streamed from the file as
// the connection takes them (session untaggedStream, message/section-range.ts).
//
// A FETCH of BODY[...]/BINARY[...] without .PEEK, RFC822 or RFC822.TEXT sets \Seen in a read-write
// mailbox and the response then carries FLAGS (RFC 9051 §6.4.5).
import type { BunFile } from 'bun'
import { internalError, syntaxError, userError } from '../../core/errors.ts'
import type { MessageRecord } from '../../storage/index.ts'
import type { BodySection, FetchAttribute, FetchPartial } from '../protocol/fetch-attributes.ts'
import { formatFetchItemName } from '../protocol/fetch-attributes.ts'
import { filterUidsInSet, formatNumbersAsSequenceSet } from '../protocol/sequence-set.ts'
import {
  NIL,
  type ResponseValue,
  dateTimeValue,
  flagListValue,
  hasStreamedLiteral,
  list,
  literal,
  raw,
} from '../protocol/serializer.ts'
import { SELECTED, type CommandContext, defineCommand } from '../session/command-context.ts'
import { responseFlags } from '../session/message-flags.ts'
import { requireSelected } from '../session/session-guards.ts'
import { toUidRanges } from '../session/uid-ranges.ts'
import type { SelectedMailbox } from '../session/selected-mailbox.ts'
import { type LoadedMessage, MessageLoader, SYNC_READ_LIMIT } from '../session/message-loader.ts'
import {
  type MessageAnalysis,
  applyPartial,
  binarySectionSize,
  bodyStructureValue,
  bodyValue,
  cachedEnvelopeText,
  decodeAnalysis,
  envelopeValue,
  extractBinarySection,
  extractBodySection,
  seenOnFetch,
} from '../message/index.ts'
import type { MimePart } from '../message/mime-tree.ts'
import { selectHeaderFields } from '../message/section.ts'
import { type OctetRange, bodySectionRange } from '../message/section-range.ts'

/** A header block read on its own, as a part starting at octet 0 (selectHeaderFields reads start..bodyStart). */
const HEADER_ONLY_PART: MimePart = { start: 0, bodyStart: 0, end: 0, type: 'text', subtype: 'plain', params: [] }

/** Messages at least this big are streamed from their file when their sections allow it. */
export const STREAM_THRESHOLD = 1024 * 1024
/** Streamed sections are read in pieces of this size. */
const STREAM_CHUNK = 256 * 1024
/** Big messages (over SYNC_READ_LIMIT) read ahead of the one being answered. */
const READ_AHEAD = 16

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
    const records = (
      await ctx.storage.messages.list(
        view.mailboxId,
        command.changedSince === null ? { uids: ranges } : { uids: ranges, changedSince: command.changedSince },
      )
    ).filter(r => view.seqOf(r.uid) !== undefined && !view.isExpungePending(r.uid))
    const seenChanged = await markSeen(ctx, view, records, attributes)
    const plan = planFetch(attributes)
    const loader = new MessageLoader(ctx.storage, view.mailboxId, ranges, { reuseBuffer: true })
    const answer = (record: MessageRecord) =>
      fetchItems(
        ctx,
        view,
        loader,
        seenChanged.get(record.uid) ?? record,
        attributes,
        plan,
        seenChanged.has(record.uid),
      )
    // Answers in order. A small message is read when it is answered, into the loader's one reused
    // buffer, and its response is written out before the next is read; the big ones among the next
    // READ_AHEAD messages are already being read (asynchronously, each into its own buffer).
    const readAhead = new Map<number, Promise<ResponseValue[] | null>>()
    let next = 0
    let unreadable = 0
    for (let i = 0; i < records.length; i++) {
      const record = records[i] as MessageRecord
      for (; next < records.length && next <= i + READ_AHEAD; next++) {
        const ahead = records[next] as MessageRecord
        if (ahead.size > SYNC_READ_LIMIT) readAhead.set(next, answer(ahead))
      }
      const started = readAhead.get(i)
      readAhead.delete(i)
      const items = await (started ?? answer(record))
      if (items === null) {
        unreadable++
        continue
      }
      const values = [raw(view.seqOf(record.uid) as number), raw('FETCH'), list(items)]
      if (hasStreamedLiteral(values)) await ctx.untaggedStream(values)
      else ctx.untagged(values)
      // A slow client or a long FETCH: wait for the connection, or let other connections run.
      const paused = ctx.pace()
      if (paused !== null && !(await paused)) return undefined
    }
    if (unreadable > 0) throw userError(`${unreadable} message(s) could not be read`, { imap: 'SERVERBUG' })
    return undefined
  },
})

const CONTENT_ITEMS: readonly string[] = ['RFC822', 'RFC822.HEADER', 'RFC822.TEXT']
const ANALYSIS_ITEMS: readonly string[] = ['ENVELOPE', 'BODY', 'BODYSTRUCTURE', 'RFC822.HEADER', 'RFC822.TEXT']

/** What the attributes need, decided once per command. */
export interface FetchPlan {
  /** The octets of the message (some section or RFC822 item). */
  needsBytes: boolean
  /** The MIME tree or the ENVELOPE. */
  needsAnalysis: boolean
  /** Every octet-needing item is a plain range of the file: a big message can be streamed. */
  streamable: boolean
  /**
   * ENVELOPE is the one item that needs the analysis, and nothing needs the octets: the cached
   * ENVELOPE text answers it without decoding the analysis (message/analyze-message.ts).
   */
  envelopeOnly: boolean
}

/** Items answered from the index row alone; with ENVELOPE, the cached envelope text is enough. */
const ROW_ITEMS: readonly string[] = ['UID', 'FLAGS', 'INTERNALDATE', 'MODSEQ', 'ENVELOPE']

export function planFetch(attributes: readonly FetchAttribute[]): FetchPlan {
  const needsBytes = attributes.some(a => a.type !== 'item' || CONTENT_ITEMS.includes(a.name))
  const needsAnalysis = attributes.some(
    a =>
      (a.type === 'item' && ANALYSIS_ITEMS.includes(a.name)) ||
      (a.type === 'body-section' && (a.section.part.length > 0 || a.section.text !== null)) ||
      ((a.type === 'binary' || a.type === 'binary-size') && a.part.length > 0),
  )
  const streamable = attributes.every(a => {
    if (a.type === 'item' || a.type === 'body-section') return true
    // BINARY decodes, and may need literal8 (RFC 3516 §4.2): answered from the octets.
    return a.type === 'binary-size' && a.part.length === 0
  })
  const envelopeOnly =
    attributes.some(a => a.type === 'item' && a.name === 'ENVELOPE') &&
    attributes.every(a => a.type === 'item' && ROW_ITEMS.includes(a.name))
  return { needsBytes, needsAnalysis, streamable, envelopeOnly }
}

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

/** Where the octets of one message come from: in memory, or its file (streamed). */
type Content =
  | { kind: 'none' }
  /** The cached ENVELOPE text, for a plan that needs nothing else (FetchPlan.envelopeOnly). */
  | { kind: 'envelope'; text: string }
  | { kind: 'memory'; bytes: Uint8Array | null; analysis: MessageAnalysis | null }
  | { kind: 'file'; file: BunFile; size: number; analysis: MessageAnalysis | null }

async function loadContent(loader: MessageLoader, record: MessageRecord, plan: FetchPlan): Promise<Content | null> {
  if (!plan.needsBytes && !plan.needsAnalysis) return { kind: 'none' }
  if (plan.envelopeOnly) {
    const text = cachedEnvelopeText(record.bodyStructureJson)
    if (text !== null) return { kind: 'envelope', text }
  }
  if (plan.needsBytes && plan.streamable && record.size >= STREAM_THRESHOLD) {
    // Without a cached analysis the message is read (once) to make it; it is then answered from memory.
    const analysis = plan.needsAnalysis ? decodeAnalysis(record.bodyStructureJson) : null
    if (!plan.needsAnalysis || analysis !== null) {
      const file = await loader.file(record)
      return file === null ? null : { kind: 'file', file, size: analysis?.size ?? record.size, analysis }
    }
  }
  if (!plan.needsAnalysis) {
    // BODY[] and the like: the octets alone, no MIME tree.
    const bytes = await loader.bytes(record)
    return bytes === null ? null : { kind: 'memory', bytes, analysis: null }
  }
  const loaded: LoadedMessage | null = await loader.load(record, { needBytes: plan.needsBytes })
  return loaded === null ? null : { kind: 'memory', bytes: loaded.bytes, analysis: loaded.analysis }
}

/** The items of one message's FETCH response; null when its file cannot be read. */
async function fetchItems(
  ctx: CommandContext,
  view: SelectedMailbox,
  loader: MessageLoader,
  record: MessageRecord,
  attributes: readonly FetchAttribute[],
  plan: FetchPlan,
  seenChanged: boolean,
): Promise<ResponseValue[] | null> {
  const content = await loadContent(loader, record, plan)
  if (content === null) return null
  const textOptions = { utf8: ctx.utf8 }
  const items: ResponseValue[] = []
  let flagsWritten = false
  const add = (name: string, value: ResponseValue) => items.push(raw(name), value)
  const wholeSection: BodySection = { part: [], text: null }
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
          add(
            'RFC822.SIZE',
            raw(
              analysisOrNull(content)?.size ??
                (content.kind === 'memory' ? content.bytes?.length : undefined) ??
                record.size,
            ),
          )
          break
        case 'ENVELOPE':
          add(
            'ENVELOPE',
            content.kind === 'envelope' ? raw(content.text) : envelopeValue(analysisOf(content).envelope, textOptions),
          )
          break
        case 'BODY':
          add('BODY', bodyValue(analysisOf(content).tree, textOptions))
          break
        case 'BODYSTRUCTURE':
          add('BODYSTRUCTURE', bodyStructureValue(analysisOf(content).tree, textOptions))
          break
        case 'MODSEQ':
          add('MODSEQ', list([raw(record.modseq)]))
          break
        case 'RFC822':
          add('RFC822', await sectionValue(content, wholeSection, null))
          break
        case 'RFC822.HEADER':
          add('RFC822.HEADER', await sectionValue(content, { part: [], text: { type: 'header' } }, null))
          break
        case 'RFC822.TEXT':
          add('RFC822.TEXT', await sectionValue(content, { part: [], text: { type: 'text' } }, null))
          break
      }
      continue
    }
    const name = formatFetchItemName(attribute)
    if (attribute.type === 'body-section') {
      add(name, await sectionValue(content, attribute.section, attribute.partial))
      continue
    }
    if (content.kind === 'file') {
      // Only BINARY.SIZE[] is planned for files: the size of the whole message.
      add(name, raw(content.size))
      continue
    }
    const bytes = bytesOf(content)
    const analysis = analysisOf(content)
    if (attribute.type === 'binary') {
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

/** A BODY[section]<partial> (or RFC822*) value: a literal, a streamed literal, or NIL. */
async function sectionValue(
  content: Content,
  section: BodySection,
  partial: FetchPartial | null,
): Promise<ResponseValue> {
  if (content.kind !== 'file') {
    const bytes = bytesOf(content)
    if (section.part.length === 0 && section.text === null) return literal(applyPartial(bytes, partial))
    const extracted = extractBodySection(bytes, analysisOf(content).tree, section, partial)
    return extracted === null ? NIL : literal(extracted)
  }
  const located = bodySectionRange(content.analysis?.tree ?? null, content.size, section, partial)
  if (located.kind === 'none') return NIL
  if (located.kind === 'needs-tree') throw internalError('FETCH planned a streamed section without the MIME tree')
  if (located.kind === 'header-fields') {
    // Only the header is read: a part of its own (start 0) for the field selection.
    const header = await content.file.slice(located.header.start, located.header.end).bytes()
    const part = { ...HEADER_ONLY_PART, bodyStart: header.length, end: header.length }
    return literal(applyPartial(selectHeaderFields(header, part, located.fields, located.not), located.partial))
  }
  const { range } = located
  // Small pieces of a big message (its header, a short part) are simply read.
  if (range.end - range.start < STREAM_CHUNK) return literal(await content.file.slice(range.start, range.end).bytes())
  return { type: 'stream', size: range.end - range.start, binary: false, chunks: () => fileChunks(content.file, range) }
}

async function* fileChunks(file: BunFile, range: OctetRange): AsyncGenerator<Uint8Array> {
  for (let at = range.start; at < range.end; at += STREAM_CHUNK) {
    const chunk = await file.slice(at, Math.min(range.end, at + STREAM_CHUNK)).bytes()
    if (chunk.length === 0) return
    yield chunk
  }
}

function analysisOrNull(content: Content): MessageAnalysis | null {
  return content.kind === 'none' || content.kind === 'envelope' ? null : content.analysis
}

/** The analysis loaded for items that need it; missing means the plan is wrong. */
function analysisOf(content: Content): MessageAnalysis {
  const analysis = analysisOrNull(content)
  if (analysis === null) throw internalError('FETCH item without the message analysis')
  return analysis
}

function bytesOf(content: Content): Uint8Array {
  if (content.kind !== 'memory' || content.bytes === null) throw internalError('FETCH item without the message octets')
  return content.bytes
}

const flagsValue = (ctx: CommandContext, view: SelectedMailbox, record: MessageRecord) =>
  flagListValue(responseFlags(record, view.isRecent(record.uid) && !ctx.enabled.imap4rev2))

/** RFC 3516 §4.3: a transfer encoding the server cannot decode. */
const unknownCte = (encoding: string) =>
  userError(`Unknown Content-Transfer-Encoding ${encoding}`, { imap: 'UNKNOWN-CTE' })
