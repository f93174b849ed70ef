// CREATE mailbox [SP "(" create-param ")"] (RFC 9051 §6.3.4; create-params RFC 4466 §2.2;
// USE (special-use attributes) RFC 6154 §3).
import type { ImapTokenizer } from '../tokenizer.ts'

export interface CreateCommand {
  name: 'CREATE'
  mailbox: string
  /** Special-use attributes requested with USE, e.g. ["\\Sent"]; canonical case for the RFC 6154 ones. */
  specialUse: string[]
}

const BACKSLASH = 0x5c

export const SPECIAL_USE_ATTRIBUTES = [
  '\\All',
  '\\Archive',
  '\\Drafts',
  '\\Flagged',
  '\\Junk',
  '\\Sent',
  '\\Trash',
] as const

export function normalizeSpecialUse(attribute: string): string {
  return SPECIAL_USE_ATTRIBUTES.find(a => a.toUpperCase() === attribute.toUpperCase()) ?? attribute
}

export function parseCreate(t: ImapTokenizer): CreateCommand {
  t.space('mailbox name')
  const command: CreateCommand = { name: 'CREATE', mailbox: t.mailbox(), specialUse: [] }
  if (!t.more()) return command
  t.list('CREATE parameters', () => {
    const parameter = t.atomUpper('CREATE parameter')
    if (parameter !== 'USE') t.fail(`Unknown CREATE parameter ${parameter}`)
    t.space('special-use attribute list')
    command.specialUse = t.list(
      'special-use attribute list',
      () => {
        if (!t.consume(BACKSLASH)) t.fail('Special-use attributes start with "\\", e.g. \\Sent')
        return normalizeSpecialUse(`\\${t.atom('special-use attribute')}`)
      },
      { allowEmpty: true },
    )
  })
  return command
}
