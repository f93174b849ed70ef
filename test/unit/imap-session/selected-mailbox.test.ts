// The per-session view of a selected mailbox: sequence numbers, sets, queued changes and when they
// are applied (RFC 9051 §7.5.1).
import { describe, expect, test } from 'bun:test'
import { parseSequenceSet, type SequenceSet } from '../../../src/imap/protocol/sequence-set.ts'
import { SelectedMailbox } from '../../../src/imap/session/selected-mailbox.ts'
import type { MailboxEvent } from '../../../src/storage/index.ts'

function view(uids: number[], options: { recent?: number[]; claim?: (uids: readonly number[]) => number[] } = {}) {
  const v = new SelectedMailbox({
    mailboxId: 7,
    name: 'INBOX',
    readOnly: false,
    uidValidity: 1,
    highestModseq: 10,
    claimRecent: options.claim ?? (u => [...u]),
  })
  v.load(uids, options.recent ?? [])
  return v
}

const set = (text: string): SequenceSet => {
  const parsed = parseSequenceSet(text)
  if (!parsed.ok) throw new Error(parsed.error)
  return parsed.value
}

const event = (kind: MailboxEvent['kind'], uids: number[], modseq = 11): MailboxEvent => ({
  mailboxId: 7,
  kind,
  uids,
  modseq,
})

describe('numbers', () => {
  const v = view([3, 5, 8, 13, 21])
  test('seqOf / uidAt', () => {
    expect(v.messageCount).toBe(5)
    expect(v.seqOf(8)).toBe(3)
    expect(v.seqOf(9)).toBeUndefined()
    expect(v.uidAt(5)).toBe(21)
    expect(v.uidAt(6)).toBeUndefined()
  })

  test.each([
    ['1:3', false, [3, 5, 8]],
    ['2,4', false, [5, 13]],
    ['*', false, [21]],
    ['5:*', false, [21]],
    ['3:1', false, [3, 5, 8]],
    ['1:*', true, [3, 5, 8, 13, 21]],
    ['4:9', true, [5, 8]],
    ['100:*', true, [21]],
    ['1,2', true, []],
    ['8', true, [8]],
  ] as const)('%s (uid %p)', (text, byUid, expected) => {
    expect(v.uidsOf(set(text), byUid)).toEqual([...expected])
  })

  test.each(['6', '1:6', '7:*'])('message number %s beyond EXISTS is BAD', text => {
    expect(() => v.uidsOf(set(text), false)).toThrow(/out of range/)
  })

  test('"*" in an empty mailbox is BAD by number, empty by UID', () => {
    const empty = view([])
    expect(() => empty.uidsOf(set('*'), false)).toThrow(/out of range/)
    expect(empty.uidsOf(set('1:*'), true)).toEqual([])
  })

  test('"$" is the saved result, by UID and by number alike; empty until something is saved', () => {
    const fresh = view([3, 5, 8, 13, 21])
    expect(fresh.uidsOf(set('$'), true)).toEqual([])
    // 9 and 42 are not (or no longer) in the mailbox: they drop out.
    fresh.saveResult([13, 9, 3, 42])
    expect(fresh.uidsOf(set('$'), true)).toEqual([3, 13])
    expect(fresh.uidsOf(set('$'), false)).toEqual([3, 13])
  })
})

describe('queued changes', () => {
  test('expunges are numbered as each EXPUNGE line leaves them', () => {
    const v = view([1, 2, 3, 4, 5, 6])
    v.onEvent(event('expunge', [2, 3, 5]))
    expect(v.takeUpdates({ expunge: true }).expunged).toEqual([
      { seq: 2, uid: 2 },
      { seq: 2, uid: 3 },
      { seq: 3, uid: 5 },
    ])
    expect(Array.from(v.allUids)).toEqual([1, 4, 6])
  })

  test('held back while expunges are not allowed; numbers stay', () => {
    const v = view([1, 2, 3])
    v.onEvent(event('expunge', [2]))
    v.onEvent(event('append', [4]))
    const first = v.takeUpdates({ expunge: false })
    expect(first.expunged).toEqual([])
    expect(first.exists).toBe(4)
    expect(v.seqOf(3)).toBe(3)
    expect(v.isExpungePending(2)).toBe(true)
    expect(v.hasPendingUpdates({ expunge: false })).toBe(false)
    expect(v.hasPendingUpdates({ expunge: true })).toBe(true)
    expect(v.takeUpdates({ expunge: true }).expunged).toEqual([{ seq: 2, uid: 2 }])
    expect(Array.from(v.allUids)).toEqual([1, 3, 4])
  })

  test('a message added and removed before anyone was told is never announced', () => {
    const v = view([1])
    v.onEvent(event('append', [2, 3]))
    v.onEvent(event('expunge', [2]))
    const updates = v.takeUpdates({ expunge: true })
    expect(updates.expunged).toEqual([])
    expect(updates.exists).toBe(2)
    expect(Array.from(v.allUids)).toEqual([1, 3])
  })

  test('appends already loaded (raced the SELECT read) are ignored', () => {
    const v = view([1, 2])
    v.onEvent(event('append', [2]))
    expect(v.hasPendingUpdates({ expunge: true })).toBe(false)
    expect(v.takeUpdates({ expunge: true }).exists).toBeNull()
  })

  test('new messages are claimed as \\Recent through the tracker', () => {
    const v = view([1], { claim: uids => uids.filter(u => u !== 3) })
    v.onEvent(event('append', [2, 3]))
    const updates = v.takeUpdates({ expunge: true })
    expect(updates.recent).toBe(1)
    expect(v.isRecent(2)).toBe(true)
    expect(v.isRecent(3)).toBe(false)
  })

  test('flag changes: reported for present messages, ascending; acknowledged ones dropped', () => {
    const v = view([1, 2, 3])
    v.onEvent(event('flags', [3, 1], 12))
    v.onEvent(event('flags', [2], 13))
    v.acknowledgeFlags(1, 12)
    v.acknowledgeFlags(2, 12) // an older report does not cover the newer change
    expect(v.takeUpdates({ expunge: true }).flagUids).toEqual([2, 3])
    expect(v.highestModseq).toBe(13)
  })

  test('flags of a message whose expunge is held back are not reported', () => {
    const v = view([1, 2])
    v.onEvent(event('flags', [2]))
    v.onEvent(event('expunge', [2]))
    expect(v.takeUpdates({ expunge: false }).flagUids).toEqual([])
  })

  test('rename and delete', () => {
    const v = view([1])
    v.onEvent({ mailboxId: 7, kind: 'rename', uids: [], modseq: 10, name: 'Renamed' })
    expect(v.name).toBe('Renamed')
    v.onEvent(event('delete', []))
    expect(v.takeUpdates({ expunge: false }).deleted).toBe(true)
  })
})
