// Every IMAP command the session dispatches, by name (wildduck imap-command.js's Map, mox's
// `commands`). Adding a command: write commands/<name>.ts exporting a defineCommand({...}) and add
// it to this list. Commands the parser knows but nobody implements yet are answered with BAD.
import type { ImapCommandHandler } from '../session/command-context.ts'
import { appendCommand } from './append.ts'
import { authenticateCommand } from './authenticate.ts'
import { capabilityCommand } from './capability.ts'
import { checkCommand } from './check.ts'
import { closeCommand } from './close.ts'
import { compressCommand } from './compress.ts'
import { copyCommand, moveCommand } from './copy.ts'
import { createCommand } from './create.ts'
import { deleteCommand } from './delete.ts'
import { enableCommand } from './enable.ts'
import { expungeCommand } from './expunge.ts'
import { fetchCommand } from './fetch.ts'
import { getquotaCommand } from './getquota.ts'
import { getquotarootCommand } from './getquotaroot.ts'
import { idCommand } from './id.ts'
import { idleCommand } from './idle.ts'
import { listCommand } from './list.ts'
import { loginCommand } from './login.ts'
import { logoutCommand } from './logout.ts'
import { lsubCommand } from './lsub.ts'
import { namespaceCommand } from './namespace.ts'
import { noopCommand } from './noop.ts'
import { renameCommand } from './rename.ts'
import { searchCommand } from './search.ts'
import { sortCommand } from './sort.ts'
import { examineCommand, selectCommand } from './select.ts'
import { starttlsCommand } from './starttls.ts'
import { statusCommand } from './status.ts'
import { storeCommand } from './store.ts'
import { subscribeCommand } from './subscribe.ts'
import { threadCommand } from './thread.ts'
import { unselectCommand } from './unselect.ts'
import { unsubscribeCommand } from './unsubscribe.ts'

export const IMAP_COMMANDS: readonly ImapCommandHandler[] = [
  capabilityCommand,
  noopCommand,
  logoutCommand,
  starttlsCommand,
  authenticateCommand,
  loginCommand,
  enableCommand,
  idCommand,
  namespaceCommand,
  selectCommand,
  examineCommand,
  createCommand,
  deleteCommand,
  renameCommand,
  subscribeCommand,
  unsubscribeCommand,
  listCommand,
  lsubCommand,
  statusCommand,
  appendCommand,
  checkCommand,
  closeCommand,
  unselectCommand,
  expungeCommand,
  idleCommand,
  getquotaCommand,
  getquotarootCommand,
  fetchCommand,
  storeCommand,
  searchCommand,
  sortCommand,
  threadCommand,
  copyCommand,
  moveCommand,
  compressCommand,
]

/** Name → handler; throws on a duplicate name (two files claiming one command). */
export function createCommandRegistry(
  commands: readonly ImapCommandHandler[] = IMAP_COMMANDS,
): ReadonlyMap<string, ImapCommandHandler> {
  const registry = new Map<string, ImapCommandHandler>()
  for (const command of commands) {
    if (registry.has(command.name)) throw new Error(`IMAP command ${command.name} registered twice`)
    registry.set(command.name, command)
  }
  return registry
}
