// THREAD=ORDEREDSUBJECT (RFC 5256 §2.2 "ORDEREDSUBJECT"), "poor man's threading": the messages
// are sorted by base subject, then sent date; each run of one base subject is a thread whose first
// message is the root and the others its children, in sent-date order. The threads are ordered
// by the sent date of their first message; equal dates keep mailbox order.
import { asciiCasemap, compareOctets } from './sort-messages.ts'
import type { SortableMessage } from './sortable-message.ts'
import type { ThreadNode } from './thread-tree.ts'

export function threadByOrderedSubject(messages: readonly SortableMessage[]): ThreadNode[] {
  const keyed = messages.map(message => ({ message, subject: asciiCasemap(message.baseSubject.subject) }))
  keyed.sort(
    (a, b) =>
      compareOctets(a.subject, b.subject) || a.message.sentDate - b.message.sentDate || a.message.seq - b.message.seq,
  )
  const threads: ThreadNode[] = []
  let current: { subject: string; node: ThreadNode } | null = null
  for (const { message, subject } of keyed) {
    if (current !== null && current.subject === subject) {
      current.node.children.push({ message, children: [] })
      continue
    }
    current = { subject, node: { message, children: [] } }
    threads.push(current.node)
  }
  threads.sort((a, b) => {
    const x = a.message as SortableMessage
    const y = b.message as SortableMessage
    return x.sentDate - y.sentDate || x.seq - y.seq
  })
  return threads
}
