// LIST (RFC 9051 §6.3.9) with LIST-EXTENDED (RFC 5258): several patterns, selection options
// SUBSCRIBED / SPECIAL-USE (RFC 6154 §5.1) / REMOTE (no remote mailboxes here) / RECURSIVEMATCH,
// return options SUBSCRIBED / CHILDREN / SPECIAL-USE / STATUS (LIST-STATUS, RFC 5819: each STATUS
// right after its mailbox's LIST line).
//
//   * LIST (\HasNoChildren \Sent) "/" Sent
//   * LIST () "/" Lists ("CHILDINFO" ("SUBSCRIBED"))     RECURSIVEMATCH: a parent listed for a child
//
// An empty pattern asks for the hierarchy delimiter and the root of the reference:
// `* LIST (\Noselect) "/" ""` (RFC 9051 §6.3.9).
import { HIERARCHY_DELIMITER, type MailboxRecord } from '../../storage/index.ts'
import type { ListCommand } from '../protocol/command-types.ts'
import { type ResponseValue, list, mailboxValue, raw, str } from '../protocol/serializer.ts'
import { AUTHENTICATED, type CommandContext, defineCommand } from '../session/command-context.ts'
import { compileListPattern, joinReference } from '../session/list-pattern.ts'
import { listAttributes, mailboxesWithChildren } from '../session/mailbox-attributes.ts'
import { statusResponse } from '../session/mailbox-status.ts'
import { requireUser } from '../session/session-guards.ts'

export const listCommand = defineCommand({
  name: 'LIST',
  states: AUTHENTICATED,
  async run(ctx, command) {
    const user = requireUser(ctx)
    const patterns = command.patterns.filter(p => p !== '')
    if (patterns.length === 0) {
      ctx.untagged(listLine(ctx, 'LIST', ['\\Noselect'], referenceRoot(command.reference)))
      return undefined
    }
    const all = await ctx.storage.mailboxes.list(user.id)
    await listMailboxes(ctx, command, patterns, all)
    return undefined
  },
})

async function listMailboxes(
  ctx: CommandContext,
  command: ListCommand,
  patterns: readonly string[],
  all: readonly MailboxRecord[],
): Promise<void> {
  const { selection, returnOptions } = command
  const matchers = patterns.map(p => compileListPattern(joinReference(command.reference, p)))
  const withChildren = mailboxesWithChildren(all)
  // RFC 5258 §3.1: the SUBSCRIBED selection implies the SUBSCRIBED return option.
  const showSubscribed = selection.subscribed || returnOptions.subscribed
  const selected = (box: MailboxRecord) =>
    (!selection.subscribed || box.subscribed) && (!selection.specialUse || box.specialUse !== null)
  const childInfo = [...(selection.subscribed ? ['SUBSCRIBED'] : []), ...(selection.specialUse ? ['SPECIAL-USE'] : [])]
  for (const box of all) {
    if (!matchers.some(match => match(box.name))) continue
    const attributes = listAttributes(box, withChildren, { subscribed: showSubscribed })
    if (selected(box)) {
      ctx.untagged(listLine(ctx, 'LIST', attributes, box.name))
      if (returnOptions.status !== null) ctx.untagged(await statusResponse(ctx, box, returnOptions.status))
      continue
    }
    // RFC 5258 §3.5: RECURSIVEMATCH lists a parent that does not match the selection itself when
    // an inferior does, and says why with CHILDINFO.
    if (selection.recursiveMatch && hasSelectedInferior(box, all, selected)) {
      const extended = list([str('CHILDINFO'), list(childInfo.map(c => str(c)))])
      ctx.untagged([...listLine(ctx, 'LIST', attributes, box.name), extended])
    }
  }
}

function hasSelectedInferior(
  box: MailboxRecord,
  all: readonly MailboxRecord[],
  selected: (box: MailboxRecord) => boolean,
): boolean {
  const prefix = `${box.name}${HIERARCHY_DELIMITER}`
  return all.some(other => other.name.startsWith(prefix) && selected(other))
}

/** `LIST (attributes) "/" name` (or LSUB) */
export function listLine(
  ctx: Pick<CommandContext, 'utf8'>,
  keyword: 'LIST' | 'LSUB',
  attributes: readonly string[],
  name: string,
): ResponseValue[] {
  return [raw(keyword), raw(`(${attributes.join(' ')})`), str(HIERARCHY_DELIMITER), mailboxValue(name, ctx.utf8)]
}

/** RFC 9051 §6.3.9: the root of the reference: its first level with the delimiter, or "". */
export function referenceRoot(reference: string): string {
  const at = reference.indexOf(HIERARCHY_DELIMITER)
  return at < 0 ? '' : reference.slice(0, at + 1)
}
