// STATUS data items for one mailbox (RFC 9051 §6.3.11, §7.4): shared by STATUS and LIST RETURN
// (STATUS ...) (RFC 5819). `* STATUS name (MESSAGES 3 UIDNEXT 7 ...)`.
//   MESSAGES UIDNEXT UIDVALIDITY UNSEEN    RFC 3501 §6.3.10
//   DELETED SIZE                           RFC 9051 §6.3.11, RFC 8438
//   RECENT                                 RFC 3501: unclaimed \Recent, plus this session's own
//   HIGHESTMODSEQ                          RFC 7162 §3.1.9 (turns CONDSTORE on)
//   APPENDLIMIT                            RFC 7889 §3
import type { MailboxRecord } from '../../storage/index.ts'
import type { StatusItem } from '../protocol/command-types.ts'
import { type ResponseValue, list, mailboxValue, raw } from '../protocol/serializer.ts'
import type { CommandContext } from './command-context.ts'

export async function statusResponse(
  ctx: CommandContext,
  box: MailboxRecord,
  items: readonly StatusItem[],
): Promise<ResponseValue[]> {
  const status = await ctx.storage.mailboxes.status(box.id)
  const values: ResponseValue[] = []
  for (const item of items) {
    values.push(raw(item))
    switch (item) {
      case 'MESSAGES':
        values.push(raw(status.messages))
        break
      case 'UIDNEXT':
        values.push(raw(status.uidNext))
        break
      case 'UIDVALIDITY':
        values.push(raw(status.uidValidity))
        break
      case 'UNSEEN':
        values.push(raw(status.unseen))
        break
      case 'DELETED':
        values.push(raw(status.deleted))
        break
      case 'SIZE':
        values.push(raw(status.size))
        break
      case 'RECENT':
        values.push(raw(await recentCount(ctx, box.id)))
        break
      case 'HIGHESTMODSEQ':
        ctx.enable('CONDSTORE')
        values.push(raw(status.highestModseq))
        break
      case 'APPENDLIMIT':
        values.push(raw(ctx.settings.maxLiteralSize))
        break
    }
  }
  return [raw('STATUS'), mailboxValue(box.name, ctx.utf8), list(values)]
}

async function recentCount(ctx: CommandContext, mailboxId: number): Promise<number> {
  const uids = await ctx.storage.messages.uids(mailboxId)
  const own = ctx.selected?.mailboxId === mailboxId ? ctx.selected.recentCount : 0
  return ctx.deps.recent.unclaimed(mailboxId, uids).length + own
}
