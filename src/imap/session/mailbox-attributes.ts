// Mailbox attributes in LIST responses: \HasChildren / \HasNoChildren (CHILDREN, RFC 3348; RFC 9051
// §7.3.1), the special use (RFC 6154 §2: always sent, as Dovecot does, so clients that never ask
// still find Sent and Trash), and \Subscribed when the client asked about subscriptions (RFC 5258
// §3.4). Every mailbox here is selectable: storage creates missing parents as real mailboxes.
import { HIERARCHY_DELIMITER, type MailboxRecord } from '../../storage/index.ts'

/** Names that have at least one inferior mailbox. */
export function mailboxesWithChildren(all: readonly Pick<MailboxRecord, 'name'>[]): Set<string> {
  const parents = new Set<string>()
  for (const { name } of all) {
    let at = name.lastIndexOf(HIERARCHY_DELIMITER)
    while (at > 0) {
      parents.add(name.slice(0, at))
      at = name.lastIndexOf(HIERARCHY_DELIMITER, at - 1)
    }
  }
  return parents
}

export function listAttributes(
  box: Pick<MailboxRecord, 'name' | 'specialUse' | 'subscribed'>,
  withChildren: ReadonlySet<string>,
  options: { subscribed: boolean },
): string[] {
  const attributes = [withChildren.has(box.name) ? '\\HasChildren' : '\\HasNoChildren']
  if (box.specialUse !== null) attributes.push(box.specialUse)
  if (options.subscribed && box.subscribed) attributes.push('\\Subscribed')
  return attributes
}
