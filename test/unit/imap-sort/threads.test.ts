// THREAD=ORDEREDSUBJECT and THREAD=REFERENCES (RFC 5256 §2.2) on small mailboxes whose threads are
// worked out by hand from the RFC's steps, and the THREAD response grammar (§4).
import { describe, expect, test } from 'bun:test'
import { threadByOrderedSubject } from '../../../src/imap/sort/thread-ordered-subject.ts'
import { messageIdsOf, threadByReferences } from '../../../src/imap/sort/thread-references.ts'
import { type ThreadNode, formatThreads } from '../../../src/imap/sort/thread-tree.ts'
import { at, messages } from './support.ts'

const format = (threads: ThreadNode[]) => formatThreads(threads, false)

// 1 ← 2 ← 3, 1 ← 4; 6 and 7 answer a message that is not there; 8 answers 5 by subject only.
const MAILBOX = messages([
  { subject: 'A', date: at(1), messageId: '<1@x>' },
  { subject: 'Re: A', date: at(2), messageId: '<2@x>', references: '<1@x>' },
  { subject: 'Re: A', date: at(3), messageId: '<3@x>', references: '<1@x> <2@x>' },
  { subject: 'Re: A', date: at(4), messageId: '<4@x>', inReplyTo: '<1@x>' },
  { subject: 'B', date: at(5), messageId: '<5@x>' },
  { subject: 'Re: C', date: at(6), messageId: '<6@x>', inReplyTo: '<gone@x>' },
  { subject: 'Re: C', date: at(7), messageId: '<7@x>', inReplyTo: 'junk <gone@x> <other@x>' },
  { subject: 'Re: B', date: at(8), messageId: '<8@x>' },
])

describe('ORDEREDSUBJECT', () => {
  test('threads by base subject, roots ordered by date', () => {
    expect(format(threadByOrderedSubject(MAILBOX))).toBe('(1 (2)(3)(4))(5 8)(6 7)')
  })

  test('a thread starts with its earliest message, wherever it is in the mailbox', () => {
    const box = messages([
      { subject: 'Re: x', date: at(9) },
      { subject: 'y', date: at(2) },
      { subject: 'x', date: at(5) },
    ])
    expect(format(threadByOrderedSubject(box))).toBe('(2)(3 1)')
  })
})

describe('REFERENCES', () => {
  test('links by References and In-Reply-To, dummies for missing parents, merges by subject', () => {
    expect(format(threadByReferences(MAILBOX))).toBe('(1 (2 3)(4))(5 8)((6)(7))')
  })

  test('UIDs instead of numbers', () => {
    expect(formatThreads(threadByReferences(MAILBOX.slice(0, 2)), true)).toBe('(10 20)')
  })

  test('a message is only in the threads of the set it is given (a search result)', () => {
    // Without 1, the replies 2 and 4 hang under a dummy for <1@x>; 3 is still 2's reply.
    const subset = MAILBOX.filter(m => [2, 3, 4].includes(m.seq))
    expect(format(threadByReferences(subset))).toBe('((2 3)(4))')
  })

  test('the last reference is the parent even when an earlier message said otherwise (1B)', () => {
    const box = messages([
      { subject: 'x', date: at(1), messageId: '<b@x>', references: '<a@x>' },
      { subject: 'x', date: at(2), messageId: '<c@x>', references: '<b@x>' },
      // Claims b is c's child: b keeps its own parent (1A does not move it), c stays under b.
      { subject: 'x', date: at(3), messageId: '<d@x>', references: '<c@x> <b@x>' },
    ])
    expect(format(threadByReferences(box))).toBe('(1 (2)(3))')
  })

  test('loops are not created', () => {
    const box = messages([
      { subject: 's', date: at(1), messageId: '<a@x>', references: '<b@x>' },
      { subject: 's', date: at(2), messageId: '<b@x>', references: '<a@x>' },
      { subject: 't', date: at(3), messageId: '<c@x>', references: '<c@x>' },
    ])
    // 1 hangs under <b@x> (a dummy that 2 fills); 2's reference to <a@x> would close a loop.
    expect(format(threadByReferences(box))).toBe('(2 1)(3)')
  })

  test('duplicate and missing Message-IDs count as unique messages', () => {
    const box = messages([
      { subject: 'p', date: at(1), messageId: '<same@x>' },
      { subject: 'q', date: at(2), messageId: '<same@x>' },
      { subject: 'r', date: at(3), messageId: null, references: '<same@x>' },
      { subject: 's', date: at(4), messageId: 'not-an-id' },
    ])
    expect(format(threadByReferences(box))).toBe('(1 3)(2)(4)')
  })

  test('subject merge: a reply joins the non-reply thread; two non-replies share a new dummy', () => {
    const box = messages([
      { subject: 'Re: news', date: at(1), messageId: '<a@x>' },
      { subject: 'news', date: at(2), messageId: '<b@x>' },
      { subject: 'plan', date: at(3), messageId: '<c@x>' },
      { subject: 'plan', date: at(4), messageId: '<d@x>' },
      { subject: 'Fwd: plan', date: at(5), messageId: '<e@x>' },
    ])
    // "Re: news" sorts first, but "news" (not a reply) is the thread it joins. "plan" ×2 are both
    // non-replies: they become siblings under a dummy, and the forward joins that dummy.
    expect(format(threadByReferences(box))).toBe('(2 1)((3)(4)(5))')
  })

  test('a thread with no subject is not merged', () => {
    const box = messages([
      { subject: null, date: at(1) },
      { subject: '', date: at(2) },
      { subject: 'Re:', date: at(3) },
    ])
    expect(format(threadByReferences(box))).toBe('(1)(2)(3)')
  })

  test('siblings are sorted by sent date, a missing Date by internal date, ties by number', () => {
    const box = messages([
      { subject: 'x', date: at(5), messageId: '<r@x>' },
      { subject: 'Re: x', date: at(9), references: '<r@x>' },
      { subject: 'Re: x', date: null, references: '<r@x>', arrival: Date.UTC(2025, 0, 1, 7) },
      { subject: 'Re: x', date: at(6), references: '<r@x>' },
      { subject: 'Re: x', date: at(6), references: '<r@x>' },
    ])
    expect(format(threadByReferences(box))).toBe('(1 (4)(5)(3)(2))')
  })

  test('a reply chain thousands deep does not exhaust the stack', () => {
    const depth = 5000
    const box = messages(
      Array.from({ length: depth }, (_, i) => ({
        subject: 'deep',
        date: at(0),
        messageId: `<${i}@deep>`,
        ...(i > 0 ? { inReplyTo: `<${i - 1}@deep>` } : {}),
      })),
    )
    const text = format(threadByReferences(box))
    expect(text.startsWith('(1 2 3 ')).toBe(true)
    expect(text.endsWith(` ${depth})`)).toBe(true)
  })
})

describe('messageIdsOf', () => {
  test.each([
    ['<a@b> <c@d>', ['a@b', 'c@d']],
    ['<a@b>(comment <x@y>)<c@d>', ['a@b', 'c@d']],
    ['<no-at> <a@b>', ['a@b']],
    ['', []],
  ])('%p', (field, ids) => {
    expect(messageIdsOf(field)).toEqual(ids)
  })
})

describe('formatThreads', () => {
  test('RFC 5256 §4 example shape', () => {
    const n = (seq: number, ...children: ThreadNode[]): ThreadNode => ({
      message: messages(Array.from({ length: seq }, () => ({})))[seq - 1] ?? null,
      children,
    })
    const tree = n(3, n(6, n(4, n(23)), n(44, n(7, n(96)))))
    expect(format([n(2), tree])).toBe('(2)(3 6 (4 23)(44 7 96))')
    expect(format([{ message: null, children: [n(3), n(5)] }])).toBe('((3)(5))')
    expect(format([])).toBe('')
  })
})
