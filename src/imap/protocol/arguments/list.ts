// LIST [SP list-select-opts] SP mailbox SP mbox-or-pat [SP list-return-opts] (RFC 9051 §6.3.9,
// LIST-EXTENDED RFC 5258 §3, SPECIAL-USE RFC 6154 §4-5, LIST-STATUS RFC 5819 §2) and LSUB
// (RFC 3501 §6.3.9).
import type { ImapTokenizer } from '../tokenizer.ts'
import { type StatusItem, readStatusItems } from './status.ts'

export interface ListSelection {
  subscribed: boolean
  remote: boolean
  recursiveMatch: boolean
  specialUse: boolean
}

export interface ListReturn {
  subscribed: boolean
  children: boolean
  specialUse: boolean
  /** RETURN (STATUS (...)): the STATUS items to send for each listed mailbox. */
  status: StatusItem[] | null
}

export interface ListCommand {
  name: 'LIST'
  reference: string
  /** One or more patterns with "%" and "*" wildcards. */
  patterns: string[]
  selection: ListSelection
  returnOptions: ListReturn
  /** Selection options, several patterns or return options were given (RFC 5258 §3). */
  extended: boolean
}

export interface LsubCommand {
  name: 'LSUB'
  reference: string
  pattern: string
}

const OPEN_PAREN = 0x28

export function parseList(t: ImapTokenizer): ListCommand {
  const selection: ListSelection = { subscribed: false, remote: false, recursiveMatch: false, specialUse: false }
  const returnOptions: ListReturn = { subscribed: false, children: false, specialUse: false, status: null }
  let extended = false
  t.space('mailbox reference')
  if (t.peek() === OPEN_PAREN) {
    extended = true
    readSelection(t, selection)
    t.space('mailbox reference')
  }
  const reference = t.mailbox('mailbox reference')
  t.space('mailbox pattern')
  let patterns: string[]
  if (t.peek() === OPEN_PAREN) {
    extended = true
    patterns = t.list('mailbox pattern list', () => t.listMailbox())
  } else patterns = [t.listMailbox()]
  if (t.more()) {
    if (!t.consumeKeyword('RETURN')) t.fail(`Expected RETURN options after the LIST pattern, got ${t.describeNext()}`)
    extended = true
    t.space('LIST return options')
    readReturnOptions(t, returnOptions)
  }
  return { name: 'LIST', reference, patterns, selection, returnOptions, extended }
}

function readSelection(t: ImapTokenizer, selection: ListSelection): void {
  t.list(
    'LIST selection options',
    () => {
      const option = t.atomUpper('LIST selection option')
      if (option === 'SUBSCRIBED') selection.subscribed = true
      else if (option === 'REMOTE') selection.remote = true
      else if (option === 'RECURSIVEMATCH') selection.recursiveMatch = true
      else if (option === 'SPECIAL-USE') selection.specialUse = true
      // RFC 5258 §3.1: unrecognised selection options are an error.
      else t.fail(`Unknown LIST selection option ${option}`)
    },
    { allowEmpty: true },
  )
  // RFC 5258 §3.1: RECURSIVEMATCH needs another selection option that it modifies.
  if (selection.recursiveMatch && !selection.subscribed && !selection.specialUse) {
    t.fail('RECURSIVEMATCH must be combined with SUBSCRIBED or SPECIAL-USE')
  }
}

function readReturnOptions(t: ImapTokenizer, options: ListReturn): void {
  t.list(
    'LIST return options',
    () => {
      const option = t.atomUpper('LIST return option')
      if (option === 'SUBSCRIBED') options.subscribed = true
      else if (option === 'CHILDREN') options.children = true
      else if (option === 'SPECIAL-USE') options.specialUse = true
      else if (option === 'STATUS') {
        t.space('status item list')
        options.status = readStatusItems(t)
      } else t.fail(`Unknown LIST return option ${option}`)
    },
    { allowEmpty: true },
  )
}

export function parseLsub(t: ImapTokenizer): LsubCommand {
  t.space('mailbox reference')
  const reference = t.mailbox('mailbox reference')
  t.space('mailbox pattern')
  return { name: 'LSUB', reference, pattern: t.listMailbox() }
}
