// Commands that take no arguments (RFC 9051 §6.1, §6.2.1, §6.3.10, §6.4.1-2; IDLE RFC 2177;
// NAMESPACE RFC 2342; UNSELECT RFC 3691).
import type { ImapTokenizer } from '../tokenizer.ts'

export const NO_ARGUMENT_COMMANDS = [
  'CAPABILITY',
  'NOOP',
  'LOGOUT',
  'STARTTLS',
  'NAMESPACE',
  'IDLE',
  'CHECK',
  'CLOSE',
  'UNSELECT',
] as const

export type NoArgumentCommandName = (typeof NO_ARGUMENT_COMMANDS)[number]

export interface NoArgumentCommand {
  name: NoArgumentCommandName
}

export function parseNoArguments(name: NoArgumentCommandName) {
  return (t: ImapTokenizer): NoArgumentCommand => {
    if (!t.atEnd) t.fail(`${name} takes no arguments`)
    return { name }
  }
}
