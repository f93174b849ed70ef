// COPY / UID COPY and MOVE / UID MOVE sequence-set mailbox (RFC 9051 §6.4.7-8, MOVE RFC 6851 §3).
//
//   COPY  tagged  OK [COPYUID uidvalidity source-uids target-uids]      (UIDPLUS, RFC 4315 §3)
//   MOVE  * OK [COPYUID ...], then `* n EXPUNGE` or `* VANISHED uids`, then the tagged OK
//         (RFC 6851 §4.3-4.4; the expunges come from the storage event through the view)
//   missing target: NO [TRYCREATE] (RFC 9051 §6.4.7); over quota: NO [OVERQUOTA] from storage.
import { userError } from '../../core/errors.ts'
import type { CopyResult } from '../../storage/index.ts'
import { formatNumbersAsSequenceSet } from '../protocol/sequence-set.ts'
import { SELECTED, type CommandContext, defineCommand } from '../session/command-context.ts'
import { requireSelected, requireUser } from '../session/session-guards.ts'
import { toUidRanges } from '../session/uid-ranges.ts'
import type { CopyMoveCommand } from '../protocol/command-types.ts'

async function transfer(ctx: CommandContext, command: CopyMoveCommand): Promise<string | null> {
  const user = requireUser(ctx)
  const view = requireSelected(ctx)
  if (command.name === 'MOVE' && view.readOnly) {
    throw userError('Mailbox is read-only (EXAMINE): MOVE would expunge', { imap: 'CANNOT' })
  }
  const uids = view.uidsOf(command.sequenceSet, command.uid).filter(uid => !view.isExpungePending(uid))
  const target = await ctx.storage.mailboxes.get(user.id, command.mailbox)
  if (target === null) throw userError(`Mailbox ${command.mailbox} does not exist`, { imap: 'TRYCREATE' })
  if (uids.length === 0) return null
  const ranges = toUidRanges(uids)
  const result =
    command.name === 'MOVE'
      ? await ctx.storage.messages.move(view.mailboxId, ranges, target.id)
      : await ctx.storage.messages.copy(view.mailboxId, ranges, target.id)
  return copyUidCode(result)
}

/** `COPYUID 38505 304,319:320 3956:3958`; the pairs are in source-UID order on both sides. */
export function copyUidCode(result: CopyResult): string | null {
  if (result.pairs.length === 0) return null
  const pairs = [...result.pairs].sort((a, b) => a[0] - b[0])
  const sources = formatNumbersAsSequenceSet(pairs.map(p => p[0]))
  const targets = formatNumbersAsSequenceSet(pairs.map(p => p[1]))
  return `COPYUID ${result.uidValidity} ${sources} ${targets}`
}

export const copyCommand = defineCommand({
  name: 'COPY',
  states: SELECTED,
  async run(ctx, command) {
    const code = await transfer(ctx, command)
    return code === null ? undefined : { code, text: 'COPY completed' }
  },
})

export const moveCommand = defineCommand({
  name: 'MOVE',
  states: SELECTED,
  async run(ctx, command) {
    const code = await transfer(ctx, command)
    // RFC 6851 §4.3: COPYUID goes in an untagged OK before the expunges, not in the tagged OK.
    if (code !== null) ctx.untaggedStatus('OK', 'Moved', code)
    await ctx.sendUpdates({ expunge: true })
    return undefined
  },
})
