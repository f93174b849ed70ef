// storage/mailbox-events.ts: every committed change reaches subscribers of its mailbox, after the
// commit (a listener reading the index sees it), from every write path.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { createMailboxEvents, type MailboxEvent } from '../../../src/storage/mailbox-events.ts'
import { INBOX } from '../../../src/storage/index.ts'
import { type ImapFixture, imapFixture, sampleMessage } from './support/imap-harness.ts'

let f: ImapFixture
beforeAll(async () => {
  f = await imapFixture()
})
afterAll(() => f.cleanup())

const bytes = (text: string) => new TextEncoder().encode(text)

function record(mailboxId: number) {
  const events: MailboxEvent[] = []
  const stop = f.storage.events.subscribe(mailboxId, e => events.push(e))
  return { events, stop }
}

describe('notifier', () => {
  test('subscribe, emit, unsubscribe; a failing listener does not stop the others', () => {
    const events = createMailboxEvents()
    const seen: number[] = []
    const stopBad = events.subscribe(1, () => {
      throw new Error('boom')
    })
    const stop = events.subscribe(1, e => seen.push(e.uids[0] ?? 0))
    events.subscribe(2, () => seen.push(-1))
    events.emit({ mailboxId: 1, kind: 'append', uids: [5], modseq: 2 })
    expect(seen).toEqual([5])
    expect(events.listenerCount(1)).toBe(2)
    stop()
    stopBad()
    stop()
    expect(events.listenerCount(1)).toBe(0)
    expect(events.listenerCount()).toBe(1)
    events.emit({ mailboxId: 1, kind: 'append', uids: [6], modseq: 3 })
    expect(seen).toEqual([5])
  })
})

describe('storage emits after commit', () => {
  test('append, flags, expunge', async () => {
    const inbox = await f.storage.mailboxes.get(f.annId, INBOX)
    const id = inbox?.id ?? -1
    const seenInIndex: number[] = []
    const stopCheck = f.storage.events.subscribe(id, async () => {
      // A listener that reads the index finds the change already committed.
      seenInIndex.push((await f.storage.mailboxes.status(id)).messages)
    })
    const { events, stop } = record(id)
    const appended = await f.storage.messages.append({
      accountId: f.annId,
      mailbox: INBOX,
      content: bytes(sampleMessage()),
    })
    await f.storage.messages.setFlags(id, [{ from: appended.uid, to: appended.uid }], {
      mode: 'add',
      flags: ['\\Deleted'],
    })
    await f.storage.messages.expunge(id)
    stop()
    stopCheck()
    expect(events.map(e => [e.kind, e.uids])).toEqual([
      ['append', [appended.uid]],
      ['flags', [appended.uid]],
      ['expunge', [appended.uid]],
    ])
    expect(events[0]?.modseq).toBe(appended.modseq)
    expect(events[1]?.modseq).toBeGreaterThan(appended.modseq)
    expect(events[2]?.modseq).toBeGreaterThan(events[1]?.modseq ?? 0)
    expect(seenInIndex).toEqual([1, 1, 0])
  })

  test('an unchanged STORE emits nothing', async () => {
    const inbox = await f.storage.mailboxes.get(f.annId, INBOX)
    const uid = await f.deliver()
    const { events, stop } = record(inbox?.id ?? -1)
    await f.storage.messages.setFlags(inbox?.id ?? -1, [{ from: uid, to: uid }], { mode: 'remove', flags: ['\\Seen'] })
    stop()
    expect(events).toEqual([])
  })

  test('delivery to several accounts (SMTP) reaches each mailbox', async () => {
    const ann = await f.storage.mailboxes.get(f.annId, INBOX)
    const bob = await f.storage.mailboxes.get(f.bobId, INBOX)
    const a = record(ann?.id ?? -1)
    const b = record(bob?.id ?? -1)
    await f.storage.messages.deliverToAccounts({
      targets: [{ accountId: f.annId }, { accountId: f.bobId }],
      content: bytes(sampleMessage()),
    })
    a.stop()
    b.stop()
    expect(a.events.map(e => e.kind)).toEqual(['append'])
    expect(b.events.map(e => e.kind)).toEqual(['append'])
  })

  test('copy appends to the target; move also expunges from the source', async () => {
    const inbox = await f.storage.mailboxes.get(f.annId, INBOX)
    const archive = await f.storage.mailboxes.get(f.annId, 'Archive')
    const uid = await f.deliver()
    const src = record(inbox?.id ?? -1)
    const dst = record(archive?.id ?? -1)
    const range = [{ from: uid, to: uid }]
    const copied = await f.storage.messages.copy(inbox?.id ?? -1, range, archive?.id ?? -1)
    const moved = await f.storage.messages.move(inbox?.id ?? -1, range, archive?.id ?? -1)
    src.stop()
    dst.stop()
    expect(src.events.map(e => [e.kind, e.uids])).toEqual([['expunge', [uid]]])
    const newUids = [...copied.pairs, ...moved.pairs].map(([, target]) => target)
    expect(dst.events.map(e => [e.kind, e.uids])).toEqual(newUids.map(u => ['append', [u]]))
    expect(newUids).toHaveLength(2)
  })

  test('rename tells every moved mailbox its new name; delete says so', async () => {
    const parent = await f.storage.mailboxes.create(f.annId, 'Projects/Alpha')
    const top = await f.storage.mailboxes.get(f.annId, 'Projects')
    const p = record(top?.id ?? -1)
    const c = record(parent.id)
    await f.storage.mailboxes.rename(f.annId, 'Projects', 'Work')
    await f.storage.mailboxes.delete(f.annId, 'Work/Alpha')
    p.stop()
    c.stop()
    expect(p.events.map(e => [e.kind, e.name])).toEqual([['rename', 'Work']])
    expect(c.events.map(e => [e.kind, e.name])).toEqual([
      ['rename', 'Work/Alpha'],
      ['delete', undefined],
    ])
  })
})
