// SELECT / EXAMINE mailbox [(CONDSTORE | QRESYNC (...))] (RFC 9051 §6.3.2-3, RFC 3501 §6.3.1-2,
// RFC 7162 §3.1.8 and §3.2.5). Responses, in the order RFC 3501 §6.3.1 shows them:
//
//   * FLAGS (\Answered \Flagged \Deleted \Seen \Draft <keywords>)
//   * 172 EXISTS
//   * 1 RECENT                                  IMAP4rev1 only
//   * OK [UNSEEN 12] ...                        IMAP4rev1 only, when a message is unseen
//   * OK [PERMANENTFLAGS (... \*)] ...          () for EXAMINE
//   * OK [UIDVALIDITY 3857529045] ...
//   * OK [UIDNEXT 4392] ...
//   * OK [HIGHESTMODSEQ 715194045007] ...       RFC 7162 §3.1.2.1: always, we keep MODSEQs
//   * LIST () "/" name                          IMAP4rev2 (RFC 9051 §6.3.2)
//   * VANISHED (EARLIER) ... / * n FETCH ...    QRESYNC resync (RFC 7162 §3.2.5.2)
//   tag OK [READ-WRITE] | [READ-ONLY]
//
// A SELECT while a mailbox is selected closes it first, with `* OK [CLOSED]` once QRESYNC is on
// (RFC 7162 §3.2.11); a failed SELECT leaves no mailbox selected (RFC 9051 §6.3.2).
import { syntaxError, userError } from '../../core/errors.ts'
import { HIERARCHY_DELIMITER, type MailboxRecord } from '../../storage/index.ts'
import type { SelectCommand } from '../protocol/command-types.ts'
import { filterUidsInSet, formatNumbersAsSequenceSet } from '../protocol/sequence-set.ts'
import { flagListValue, list, mailboxValue, raw, str } from '../protocol/serializer.ts'
import { AUTHENTICATED, type CommandContext, type CommandResult, defineCommand } from '../session/command-context.ts'
import { flagsFetchItems } from '../session/mailbox-update-responses.ts'
import { SelectedMailbox } from '../session/selected-mailbox.ts'
import { requireUser } from '../session/session-guards.ts'
import { listAttributes, mailboxesWithChildren } from '../session/mailbox-attributes.ts'

/** RFC 9051 §2.3.2 system flags a client may set (\Recent is the server's). */
const SYSTEM_FLAGS = ['\\Answered', '\\Flagged', '\\Deleted', '\\Seen', '\\Draft'] as const

async function runSelect(ctx: CommandContext, command: SelectCommand & { tag: string }): Promise<CommandResult> {
  const user = requireUser(ctx)
  if (command.qresync !== null && !ctx.enabled.qresync) {
    throw syntaxError('The QRESYNC parameter needs ENABLE QRESYNC first (RFC 7162 §3.2.5)')
  }
  if (ctx.selected !== null) {
    ctx.deselect()
    if (ctx.enabled.qresync) ctx.untaggedStatus('OK', 'Previous mailbox is now closed', 'CLOSED')
  }
  if (command.condstore) ctx.enable('CONDSTORE')
  const box = await ctx.storage.mailboxes.get(user.id, command.mailbox)
  if (box === null) throw userError(`Mailbox ${command.mailbox} does not exist`, { imap: 'NONEXISTENT' })
  const readOnly = command.name === 'EXAMINE'
  const recent = ctx.deps.recent
  const view = new SelectedMailbox({
    mailboxId: box.id,
    name: box.name,
    readOnly,
    uidValidity: box.uidValidity,
    highestModseq: box.highestModseq,
    claimRecent: uids => (readOnly ? recent.unclaimed(box.id, uids) : recent.claim(box.id, uids)),
  })
  // Subscribe before reading, so a change committed in between is queued, not lost.
  ctx.select(view)
  try {
    await describeMailbox(ctx, box, view, command)
  } catch (error) {
    ctx.deselect()
    throw error
  }
  return { code: readOnly ? 'READ-ONLY' : 'READ-WRITE', text: `${command.name} completed` }
}

async function describeMailbox(
  ctx: CommandContext,
  box: MailboxRecord,
  view: SelectedMailbox,
  command: SelectCommand,
): Promise<void> {
  const { storage } = ctx
  const uids = await readUids(ctx, box.id)
  const all = Array.from(uids)
  view.load(uids, view.readOnly ? ctx.deps.recent.unclaimed(box.id, all) : ctx.deps.recent.claim(box.id, all))
  const summary = await storage.mailboxes.flagSummary(box.id)
  const flags = [...SYSTEM_FLAGS, ...summary.keywords]
  const rev1 = !ctx.enabled.imap4rev2
  ctx.untagged([raw('FLAGS'), flagListValue(flags)])
  ctx.untagged([raw(view.messageCount), raw('EXISTS')])
  if (rev1) {
    ctx.untagged([raw(view.recentCount), raw('RECENT')])
    const unseen = summary.firstUnseenUid === null ? undefined : view.seqOf(summary.firstUnseenUid)
    if (unseen !== undefined) ctx.untaggedStatus('OK', `Message ${unseen} is the first unseen`, `UNSEEN ${unseen}`)
  }
  // RFC 9051 §7.1: "\*" — the client may create keywords; EXAMINE permits no changes at all.
  const permanent = view.readOnly ? '()' : `(${[...flags, '\\*'].join(' ')})`
  ctx.untaggedStatus(
    'OK',
    view.readOnly ? 'No permanent flags permitted' : 'Flags permitted',
    `PERMANENTFLAGS ${permanent}`,
  )
  ctx.untaggedStatus('OK', 'UIDs valid', `UIDVALIDITY ${box.uidValidity}`)
  const uidNext = Math.max(box.uidNext, view.lastUid + 1)
  ctx.untaggedStatus('OK', 'Predicted next UID', `UIDNEXT ${uidNext}`)
  ctx.untaggedStatus('OK', 'Highest', `HIGHESTMODSEQ ${box.highestModseq}`)
  if (!rev1) {
    const all = await storage.mailboxes.list(box.accountId)
    ctx.untagged([
      raw('LIST'),
      raw(`(${listAttributes(box, mailboxesWithChildren(all), { subscribed: false }).join(' ')})`),
      str(HIERARCHY_DELIMITER),
      mailboxValue(box.name, ctx.utf8),
    ])
  }
  if (command.qresync !== null && command.qresync.uidValidity === box.uidValidity) {
    await resync(ctx, view, command.qresync)
  }
}

/**
 * The mailbox's UIDs, read after the view subscribed to its events: through the shared snapshots
 * (labelled with the HIGHESTMODSEQ read now, uid-snapshots.ts) when the server has them.
 */
async function readUids(ctx: CommandContext, mailboxId: number): Promise<Uint32Array | number[]> {
  const snapshots = ctx.deps.uidSnapshots
  if (snapshots === undefined) return ctx.storage.messages.uids(mailboxId)
  const current = await ctx.storage.mailboxes.getById(mailboxId)
  if (current === null) return ctx.storage.messages.uids(mailboxId)
  return snapshots.read(ctx.storage, mailboxId, current.highestModseq)
}

/** RFC 7162 §3.2.5.2: what changed since the client's MODSEQ, so it need not refetch everything. */
async function resync(
  ctx: CommandContext,
  view: SelectedMailbox,
  qresync: NonNullable<SelectCommand['qresync']>,
): Promise<void> {
  const { storage } = ctx
  let vanished = await storage.messages.expungedSince(view.mailboxId, qresync.modseq)
  const known = qresync.knownUids
  if (known !== null && known.kind === 'set') vanished = filterUidsInSet(known.ranges, vanished)
  if (vanished.length > 0) {
    ctx.untagged([raw('VANISHED'), list([raw('EARLIER')]), raw(formatNumbersAsSequenceSet(vanished))])
  }
  const changed = await storage.messages.list(view.mailboxId, { changedSince: qresync.modseq })
  for (const record of changed) {
    const seq = view.seqOf(record.uid)
    if (seq !== undefined) ctx.untagged([raw(seq), raw('FETCH'), flagsFetchItems(record, view, ctx.enabled)])
  }
}

export const selectCommand = defineCommand({ name: 'SELECT', states: AUTHENTICATED, run: runSelect })
export const examineCommand = defineCommand({ name: 'EXAMINE', states: AUTHENTICATED, run: runSelect })
