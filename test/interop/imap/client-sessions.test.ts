// Two client sessions replayed over a real TLS socket, every response line checked exactly:
//
//  Thunderbird-like: CAPABILITY, AUTHENTICATE PLAIN with SASL-IR, ID, ENABLE, LIST (SUBSCRIBED)
//    RETURN (SPECIAL-USE), SELECT (CONDSTORE), the UID FETCH of flags then of header fields that
//    Thunderbird sends, the body, STORE \Seen, IDLE seeing a delivery, LOGOUT.
//  iOS-like (Apple Mail's QRESYNC resync): the client caches UIDVALIDITY, HIGHESTMODSEQ and flags,
//    logs out; another session changes flags, expunges and delivers; the client comes back with
//    SELECT (QRESYNC (uidvalidity modseq known-uids)) and must learn exactly what changed
//    (VANISHED (EARLIER) and FETCH with MODSEQ, RFC 7162 §3.2.5.2), then UID FETCH CHANGEDSINCE
//    VANISHED and IDLE pushes while another session works.
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { ANN, type ImapInteropServer, interopMessage, startImapInteropServer } from './support/imap-interop-server.ts'
import { RawImapClient } from './support/raw-imap-client.ts'

let s: ImapInteropServer
beforeAll(async () => {
  s = await startImapInteropServer()
}, 20_000)
afterAll(() => s?.stop())

const encoder = new TextEncoder()
const HEADER_FIELDS =
  'From To Cc Bcc Subject Date Message-ID Priority X-Priority References Newsgroups In-Reply-To Content-Type Reply-To'
const CAPABILITIES_AFTER_LOGIN =
  'IMAP4rev1 IMAP4rev2 LITERAL+ SASL-IR ENABLE IDLE ID NAMESPACE UNSELECT UIDPLUS MULTIAPPEND CHILDREN SPECIAL-USE ' +
  'CREATE-SPECIAL-USE LIST-EXTENDED LIST-STATUS STATUS=SIZE QUOTA QUOTA=RES-STORAGE UTF8=ACCEPT CONDSTORE QRESYNC ' +
  'COMPRESS=DEFLATE MOVE ESEARCH SEARCHRES SORT SORT=DISPLAY ESORT THREAD=ORDEREDSUBJECT THREAD=REFERENCES APPENDLIMIT='

async function deliver(mailbox: string, subject: string, flags: Array<'\\Seen' | '\\Flagged'> = []) {
  return s.server.deps.storage.messages.append({
    accountId: s.accountId,
    mailbox,
    content: encoder.encode(interopMessage(subject)),
    flags,
  })
}

test('Thunderbird-like session', async () => {
  const { storage } = s.server.deps
  await storage.mailboxes.create(s.accountId, 'TB')
  await deliver('TB', 'tb0', ['\\Seen'])
  await deliver('TB', 'tb1')
  const box = await storage.mailboxes.get(s.accountId, 'TB')
  const size = interopMessage('tb1').length
  const headers = (n: number) =>
    `From: Bob <bob@local.test>\r\nTo: Ann <ann@local.test>\r\nSubject: tb${n}\r\nDate: Tue, 1 Apr 2025 10:00:00 +0000\r\nMessage-ID: <tb${n}@local.test>\r\n\r\n`
  const c = await RawImapClient.connect(s.ports.imaps, { ca: s.ca })
  try {
    expect(await c.nextLine()).toBe(
      '* OK [CAPABILITY IMAP4rev1 IMAP4rev2 LITERAL+ SASL-IR ENABLE IDLE ID AUTH=PLAIN AUTH=LOGIN] imap.local.test IMAP4rev2 server ready',
    )
    expect(await c.command('1', 'capability')).toEqual([
      '* CAPABILITY IMAP4rev1 IMAP4rev2 LITERAL+ SASL-IR ENABLE IDLE ID AUTH=PLAIN AUTH=LOGIN',
      '1 OK CAPABILITY completed',
    ])
    const plain = Buffer.from(`\0${ANN.email}\0${ANN.password}`).toString('base64')
    const [login] = await c.command('2', `authenticate PLAIN ${plain}`)
    expect(login).toStartWith(`2 OK [CAPABILITY ${CAPABILITIES_AFTER_LOGIN}`)
    expect(await c.command('3', 'ID ("name" "Thunderbird" "version" "128.0")')).toEqual([
      '* ID ("name" "mail-server" "vendor" "mail-server")',
      '3 OK ID completed',
    ])
    expect(await c.command('4', 'ENABLE UTF8=ACCEPT CONDSTORE')).toEqual([
      '* ENABLED UTF8=ACCEPT CONDSTORE',
      '4 OK ENABLE completed',
    ])
    expect(await c.command('5', 'list (SUBSCRIBED) "" "*" RETURN (SPECIAL-USE)')).toEqual([
      '* LIST (\\HasNoChildren \\Subscribed) "/" "INBOX"',
      '* LIST (\\HasNoChildren \\Archive \\Subscribed) "/" "Archive"',
      '* LIST (\\HasNoChildren \\Drafts \\Subscribed) "/" "Drafts"',
      '* LIST (\\HasNoChildren \\Junk \\Subscribed) "/" "Junk"',
      '* LIST (\\HasNoChildren \\Sent \\Subscribed) "/" "Sent"',
      '* LIST (\\HasNoChildren \\Subscribed) "/" "TB"',
      '* LIST (\\HasNoChildren \\Trash \\Subscribed) "/" "Trash"',
      '5 OK LIST completed',
    ])
    expect(await c.command('6', 'select "TB" (CONDSTORE)')).toEqual([
      '* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)',
      '* 2 EXISTS',
      '* 2 RECENT',
      '* OK [UNSEEN 2] Message 2 is the first unseen',
      '* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft \\*)] Flags permitted',
      `* OK [UIDVALIDITY ${box?.uidValidity}] UIDs valid`,
      '* OK [UIDNEXT 3] Predicted next UID',
      `* OK [HIGHESTMODSEQ ${box?.highestModseq}] Highest`,
      '6 OK [READ-WRITE] SELECT completed',
    ])
    expect(await c.command('7', 'UID fetch 1:* (FLAGS)')).toEqual([
      '* 1 FETCH (UID 1 FLAGS (\\Seen \\Recent))',
      '* 2 FETCH (UID 2 FLAGS (\\Recent))',
      '7 OK UID FETCH completed',
    ])
    expect(
      await c.command('8', `UID fetch 1:2 (UID RFC822.SIZE FLAGS BODY.PEEK[HEADER.FIELDS (${HEADER_FIELDS})])`),
    ).toEqual([
      `* 1 FETCH (UID 1 RFC822.SIZE ${size} FLAGS (\\Seen \\Recent) BODY[HEADER.FIELDS (${HEADER_FIELDS})] {${headers(0).length}}\r\n${headers(0)})`,
      `* 2 FETCH (UID 2 RFC822.SIZE ${size} FLAGS (\\Recent) BODY[HEADER.FIELDS (${HEADER_FIELDS})] {${headers(1).length}}\r\n${headers(1)})`,
      '8 OK UID FETCH completed',
    ])
    expect(await c.command('9', 'UID fetch 2 (UID RFC822.SIZE BODY.PEEK[])')).toEqual([
      `* 2 FETCH (UID 2 RFC822.SIZE ${size} BODY[] {${size}}\r\n${interopMessage('tb1')})`,
      '9 OK UID FETCH completed',
    ])
    const [stored] = await c.command('10', 'UID store 2 +FLAGS (\\Seen)')
    const modseq = (await storage.messages.get(box?.id ?? -1, 2))?.modseq
    expect(stored).toBe(`* 2 FETCH (UID 2 FLAGS (\\Seen \\Recent) MODSEQ (${modseq}))`)
    c.write('11 IDLE\r\n')
    expect(await c.nextLine()).toBe('+ idling')
    await deliver('TB', 'tb2')
    expect(await c.nextLine()).toBe('* 3 EXISTS')
    expect(await c.nextLine()).toBe('* 3 RECENT')
    c.write('DONE\r\n')
    expect(await c.until(l => l.startsWith('11 '))).toEqual(['11 OK IDLE terminated'])
    expect(await c.command('12', 'UID fetch 3:* (FLAGS)')).toEqual([
      '* 3 FETCH (UID 3 FLAGS (\\Recent))',
      '12 OK UID FETCH completed',
    ])
    expect(await c.command('13', 'logout')).toEqual(['* BYE Logging out', '13 OK LOGOUT completed'])
  } finally {
    c.close()
  }
}, 20_000)

test('iOS-like QRESYNC resync after another session changed the mailbox', async () => {
  const { storage } = s.server.deps
  await storage.mailboxes.create(s.accountId, 'Phone')
  for (let i = 1; i <= 4; i++) await deliver('Phone', `phone${i}`, i === 1 ? ['\\Seen'] : [])
  const box = await storage.mailboxes.get(s.accountId, 'Phone')
  if (box === null) throw new Error('no mailbox')
  const login = async () => {
    const c = await RawImapClient.connect(s.ports.imaps, { ca: s.ca })
    await c.nextLine()
    expect((await c.command('a', `LOGIN ${ANN.email} "${ANN.password}"`)).at(-1)).toStartWith('a OK')
    expect(await c.command('b', 'ENABLE QRESYNC')).toEqual(['* ENABLED QRESYNC', 'b OK ENABLE completed'])
    return c
  }

  // First visit: the client learns the state it caches.
  const phone = await login()
  const first = await phone.command('c', 'SELECT Phone (QRESYNC (1 1))')
  expect(first).toContain(`* OK [HIGHESTMODSEQ ${box.highestModseq}] Highest`)
  expect(await phone.command('d', 'UID FETCH 1:* (FLAGS)')).toEqual([
    '* 1 FETCH (UID 1 FLAGS (\\Seen \\Recent))',
    '* 2 FETCH (UID 2 FLAGS (\\Recent))',
    '* 3 FETCH (UID 3 FLAGS (\\Recent))',
    '* 4 FETCH (UID 4 FLAGS (\\Recent))',
    'd OK UID FETCH completed',
  ])
  expect(await phone.command('e', 'LOGOUT')).toEqual(['* BYE Logging out', 'e OK LOGOUT completed'])
  const cachedModseq = box.highestModseq

  // Meanwhile, on another device.
  const desktop = await login()
  await desktop.command('c', 'SELECT Phone')
  await desktop.command('d', 'UID STORE 2 +FLAGS.SILENT (\\Flagged)')
  await desktop.command('e', 'UID STORE 3 +FLAGS.SILENT (\\Deleted)')
  await desktop.command('f', 'UID EXPUNGE 3')
  await deliver('Phone', 'phone5')

  // The phone comes back and resyncs.
  const back = await login()
  const now = await storage.mailboxes.get(s.accountId, 'Phone')
  const m2 = (await storage.messages.get(box.id, 2))?.modseq
  const m5 = (await storage.messages.get(box.id, 5))?.modseq
  expect(await back.command('c', `SELECT Phone (QRESYNC (${box.uidValidity} ${cachedModseq} 1:4))`)).toEqual([
    '* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)',
    '* 4 EXISTS',
    // Message 5 arrived after the desktop's last command: this session is the first to see it.
    '* 1 RECENT',
    '* OK [UNSEEN 2] Message 2 is the first unseen',
    '* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft \\*)] Flags permitted',
    `* OK [UIDVALIDITY ${box.uidValidity}] UIDs valid`,
    '* OK [UIDNEXT 6] Predicted next UID',
    `* OK [HIGHESTMODSEQ ${now?.highestModseq}] Highest`,
    '* VANISHED (EARLIER) 3',
    `* 2 FETCH (UID 2 FLAGS (\\Flagged) MODSEQ (${m2}))`,
    `* 4 FETCH (UID 5 FLAGS (\\Recent) MODSEQ (${m5}))`,
    'c OK [READ-WRITE] SELECT completed',
  ])
  // Apple Mail also asks for changes by UID with VANISHED: the same answer.
  expect(await back.command('d', `UID FETCH 1:* (FLAGS) (CHANGEDSINCE ${cachedModseq} VANISHED)`)).toEqual([
    '* VANISHED (EARLIER) 3',
    `* 2 FETCH (UID 2 FLAGS (\\Flagged) MODSEQ (${m2}))`,
    `* 4 FETCH (UID 5 FLAGS (\\Recent) MODSEQ (${m5}))`,
    'd OK UID FETCH completed',
  ])
  // While it idles, the desktop reads one message and deletes another: pushed as they happen.
  back.write('e IDLE\r\n')
  expect(await back.nextLine()).toBe('+ idling')
  await desktop.command('g', 'UID STORE 4 +FLAGS.SILENT (\\Seen)')
  const m4 = (await storage.messages.get(box.id, 4))?.modseq
  expect(await back.nextLine()).toBe(`* 3 FETCH (UID 4 FLAGS (\\Seen) MODSEQ (${m4}))`)
  await desktop.command('h', 'UID STORE 1 +FLAGS.SILENT (\\Deleted)')
  await back.nextLine() // the \Deleted flag change
  await desktop.command('i', 'EXPUNGE')
  expect(await back.nextLine()).toBe('* VANISHED 1')
  back.write('DONE\r\n')
  expect(await back.until(l => l.startsWith('e '))).toEqual(['e OK IDLE terminated'])
  expect(await back.command('f', 'UID SEARCH ALL')).toEqual(['* SEARCH 2 4 5', 'f OK UID SEARCH completed'])
  for (const c of [back, desktop]) c.close()
  expect(await storage.messages.uids(box.id)).toEqual([2, 4, 5])
  // Not needed by the phone, but a resync from the very first state names both expunged UIDs.
  const again = await login()
  const resync = await again.command('c', `SELECT Phone (QRESYNC (${box.uidValidity} ${cachedModseq}))`)
  expect(resync).toContain('* VANISHED (EARLIER) 1,3')
  again.close()
}, 20_000)
