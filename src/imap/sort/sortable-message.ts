// What SORT and THREAD know about one message (RFC 5256): its numbers, the index row's size and
// internal date, and the parsed header fields from the cached analysis. The derived keys (base
// subject, sent date) are computed once per message and command, on first use.
import type { ImapAddress } from '../message/address-list.ts'
import { decodeWords } from '../message/encoded-words.ts'
import type { ImapEnvelope } from '../message/envelope.ts'
import { type BaseSubject, extractBaseSubject } from './base-subject.ts'
import { sentDate } from './sent-date.ts'

export interface SortableInput {
  seq: number
  uid: number
  internalDate: number
  /** RFC822.SIZE */
  size: number
  envelope: ImapEnvelope
  /** The References field, or null. */
  references: string | null
}

export class SortableMessage {
  readonly seq: number
  readonly uid: number
  readonly internalDate: number
  readonly size: number
  readonly envelope: ImapEnvelope
  readonly references: string | null
  private base: BaseSubject | undefined
  private sent: number | undefined

  constructor(input: SortableInput) {
    this.seq = input.seq
    this.uid = input.uid
    this.internalDate = input.internalDate
    this.size = input.size
    this.envelope = input.envelope
    this.references = input.references
  }

  /** RFC 5256 §2.1 */
  get baseSubject(): BaseSubject {
    this.base ??= extractBaseSubject(this.envelope.subject)
    return this.base
  }

  /** RFC 5256 §2.2: the Date field in UTC, else INTERNALDATE (epoch ms). */
  get sentDate(): number {
    this.sent ??= sentDate(this.envelope.date, this.internalDate)
    return this.sent
  }
}

/** The first real address of a list: group start and end markers (RFC 9051 §7.5.2) are skipped. */
export function firstAddress(list: readonly ImapAddress[] | null): ImapAddress | null {
  return list?.find(a => a.host !== null) ?? null
}

/** RFC 5256 §3 FROM/TO/CC: the addr-mailbox of the first address, or "" when there is none. */
export function addressMailbox(list: readonly ImapAddress[] | null): string {
  return firstAddress(list)?.mailbox ?? ''
}

/**
 * RFC 5957 §2 DISPLAYFROM/DISPLAYTO: the first address's display name with RFC 2047 encoded-words
 * decoded; when it has none (or only whitespace), its addr-spec `mailbox@host`; "" without one.
 */
export function addressDisplay(list: readonly ImapAddress[] | null): string {
  const address = firstAddress(list)
  if (address === null) return ''
  const name = address.name === null ? '' : decodeWords(address.name).trim()
  if (name !== '') return name
  return `${address.mailbox ?? ''}@${address.host ?? ''}`
}
