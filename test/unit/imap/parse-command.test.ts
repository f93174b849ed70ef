// Valid commands → typed values: one or more rows per command, RFC examples marked.
import { describe, expect, test } from 'bun:test'
import type { ImapCommand } from '../../../src/imap/protocol/command-types.ts'
import type { FetchAttribute } from '../../../src/imap/protocol/fetch-attributes.ts'
import type { SearchKey } from '../../../src/imap/protocol/search-keys.ts'
import type { SeqNumber, SequenceSet } from '../../../src/imap/protocol/sequence-set.ts'
import { bytes, parseInput } from './helpers/receive.ts'

const set = (...items: Array<[SeqNumber, SeqNumber?]>): SequenceSet => ({
  kind: 'set',
  ranges: items.map(([from, to = from]) => ({ from, to })),
})
const SAVED: SequenceSet = { kind: 'saved' }
const text = (s: string) => new TextEncoder().encode(s)
const item = (name: string) => ({ type: 'item', name }) as FetchAttribute
const flag = (name: string, present = true): SearchKey => ({ type: 'flag', flag: name, present })
const and = (...keys: SearchKey[]): SearchKey => ({ type: 'and', keys })
const noSelection = { subscribed: false, remote: false, recursiveMatch: false, specialUse: false }
const noReturn = { subscribed: false, children: false, specialUse: false, status: null }
const bodySection = (part: number[], textSpec: unknown = null, peek = false, partial: unknown = null) =>
  ({ type: 'body-section', peek, section: { part, text: textSpec }, partial }) as FetchAttribute
const fetch = (tag: string, sequenceSet: SequenceSet, attributes: FetchAttribute[], extra: object = {}) => ({
  tag,
  name: 'FETCH',
  uid: false,
  sequenceSet,
  attributes,
  changedSince: null,
  vanished: false,
  ...extra,
})
const search = (tag: string, criteria: SearchKey, extra: object = {}) => ({
  tag,
  name: 'SEARCH',
  uid: false,
  charset: null,
  returnOptions: null,
  criteria,
  ...extra,
})

type Row = [input: string | Uint8Array, expected: object, options?: { utf8Accept?: boolean }]

const rows: Row[] = [
  // Any state (RFC 9051 §6.1)
  ['a CAPABILITY\r\n', { tag: 'a', name: 'CAPABILITY' }],
  ['a1 noop\r\n', { tag: 'a1', name: 'NOOP' }],
  ['A023 LOGOUT\r\n', { tag: 'A023', name: 'LOGOUT' }],
  ['a] Idle\r\n', { tag: 'a]', name: 'IDLE' }],
  ['x.1 STARTTLS\n', { tag: 'x.1', name: 'STARTTLS' }],
  ['A NAMESPACE\r\n', { tag: 'A', name: 'NAMESPACE' }],
  ['A CHECK\r\n', { tag: 'A', name: 'CHECK' }],
  ['A CLOSE\r\n', { tag: 'A', name: 'CLOSE' }],
  ['A UNSELECT\r\n', { tag: 'A', name: 'UNSELECT' }],
  // AUTHENTICATE, SASL-IR (RFC 4959)
  ['A1 AUTHENTICATE PLAIN\r\n', { tag: 'A1', name: 'AUTHENTICATE', mechanism: 'PLAIN', initialResponse: null }],
  ['A1 authenticate login\r\n', { tag: 'A1', name: 'AUTHENTICATE', mechanism: 'LOGIN', initialResponse: null }],
  [
    'A1 AUTHENTICATE plain AHVzZXIAcGFzcw==\r\n',
    { tag: 'A1', name: 'AUTHENTICATE', mechanism: 'PLAIN', initialResponse: bytes([0], 'user', [0], 'pass') },
  ],
  [
    'A1 AUTHENTICATE PLAIN =\r\n',
    { tag: 'A1', name: 'AUTHENTICATE', mechanism: 'PLAIN', initialResponse: new Uint8Array(0) },
  ],
  // LOGIN: atoms, quoted with escapes, literals (sync and LITERAL+), 8-bit in literal
  ['a001 LOGIN SMITH SESAME\r\n', { tag: 'a001', name: 'LOGIN', username: 'SMITH', password: 'SESAME' }],
  [
    'A1 LOGIN "fred foobar" "pa\\"ss\\\\w"\r\n',
    { tag: 'A1', name: 'LOGIN', username: 'fred foobar', password: 'pa"ss\\w' },
  ],
  ['A1 LOGIN {4}\r\nuser {6+}\r\npässw\r\n', { tag: 'A1', name: 'LOGIN', username: 'user', password: 'pässw' }],
  ['A1 LOGIN "" ""\r\n', { tag: 'A1', name: 'LOGIN', username: '', password: '' }],
  ['A1 LOGIN user] pass]\r\n', { tag: 'A1', name: 'LOGIN', username: 'user]', password: 'pass]' }],
  // ENABLE, ID, COMPRESS, quota
  ['A1 ENABLE CONDSTORE utf8=accept\r\n', { tag: 'A1', name: 'ENABLE', capabilities: ['CONDSTORE', 'UTF8=ACCEPT'] }],
  [
    'a023 ID ("name" "sodr" "version" "19.34" "vendor" "Pink Floyd Music Limited")\r\n', // RFC 2971 §3.3
    {
      tag: 'a023',
      name: 'ID',
      parameters: [
        ['name', 'sodr'],
        ['version', '19.34'],
        ['vendor', 'Pink Floyd Music Limited'],
      ],
    },
  ],
  ['a ID NIL\r\n', { tag: 'a', name: 'ID', parameters: null }],
  ['a ID ("os" NIL)\r\n', { tag: 'a', name: 'ID', parameters: [['os', null]] }],
  ['a ID ()\r\n', { tag: 'a', name: 'ID', parameters: [] }],
  ['a COMPRESS deflate\r\n', { tag: 'a', name: 'COMPRESS', algorithm: 'DEFLATE' }],
  ['G1 GETQUOTA ""\r\n', { tag: 'G1', name: 'GETQUOTA', root: '' }],
  ['G2 GETQUOTAROOT inbox\r\n', { tag: 'G2', name: 'GETQUOTAROOT', mailbox: 'INBOX' }],
  // SELECT / EXAMINE, CONDSTORE, QRESYNC (RFC 7162 §3.2.5 examples)
  ['A142 SELECT INBOX\r\n', { tag: 'A142', name: 'SELECT', mailbox: 'INBOX', condstore: false, qresync: null }],
  ['A1 select iNbOx\r\n', { tag: 'A1', name: 'SELECT', mailbox: 'INBOX', condstore: false, qresync: null }],
  ['A1 SELECT Inbox2\r\n', { tag: 'A1', name: 'SELECT', mailbox: 'Inbox2', condstore: false, qresync: null }],
  [
    'A932 EXAMINE blurdybloop\r\n',
    { tag: 'A932', name: 'EXAMINE', mailbox: 'blurdybloop', condstore: false, qresync: null },
  ],
  [
    'A1 EXAMINE "Sent Items" (CONDSTORE)\r\n',
    { tag: 'A1', name: 'EXAMINE', mailbox: 'Sent Items', condstore: true, qresync: null },
  ],
  [
    'A02 SELECT INBOX (QRESYNC (67890007 20050715194045000 41,43:211,214:541))\r\n',
    {
      tag: 'A02',
      name: 'SELECT',
      mailbox: 'INBOX',
      condstore: false,
      qresync: {
        uidValidity: 67890007,
        modseq: 20050715194045000,
        knownUids: set([41], [43, 211], [214, 541]),
        sequenceMatch: null,
      },
    },
  ],
  [
    'B02 SELECT INBOX (QRESYNC (67890007 90060115194045000 1:29997 (5000,7500 15000,22500)))\r\n',
    {
      tag: 'B02',
      name: 'SELECT',
      mailbox: 'INBOX',
      condstore: false,
      qresync: {
        uidValidity: 67890007,
        modseq: 90060115194045000,
        knownUids: set([1, 29997]),
        sequenceMatch: { sequences: set([5000], [7500]), uids: set([15000], [22500]) },
      },
    },
  ],
  [
    'A1 SELECT INBOX (CONDSTORE QRESYNC (1 2 (3 4)))\r\n',
    {
      tag: 'A1',
      name: 'SELECT',
      mailbox: 'INBOX',
      condstore: true,
      qresync: { uidValidity: 1, modseq: 2, knownUids: null, sequenceMatch: { sequences: set([3]), uids: set([4]) } },
    },
  ],
  // Modified UTF-7 (RFC 3501 §5.1.3 example) and UTF8=ACCEPT
  [
    'A1 SELECT ~peter/mail/&U,BTFw-/&ZeVnLIqe-\r\n',
    { tag: 'A1', name: 'SELECT', mailbox: '~peter/mail/台北/日本語', condstore: false, qresync: null },
  ],
  ['A1 CREATE "a&-b"\r\n', { tag: 'A1', name: 'CREATE', mailbox: 'a&b', specialUse: [] }],
  ['A1 CREATE "a&-b"\r\n', { tag: 'A1', name: 'CREATE', mailbox: 'a&-b', specialUse: [] }, { utf8Accept: true }],
  [
    'A1 CREATE "Entwürfe"\r\n',
    { tag: 'A1', name: 'CREATE', mailbox: 'Entwürfe', specialUse: [] },
    { utf8Accept: true },
  ],
  [
    'A1 CREATE {9+}\r\nEntwürfe\r\n',
    { tag: 'A1', name: 'CREATE', mailbox: 'Entwürfe', specialUse: [] },
    { utf8Accept: true },
  ],
  // CREATE / DELETE / RENAME / SUBSCRIBE
  ['A003 CREATE owatagusiam/\r\n', { tag: 'A003', name: 'CREATE', mailbox: 'owatagusiam/', specialUse: [] }],
  [
    't1 CREATE MySpecial (USE (\\drafts \\Sent \\X-Custom))\r\n', // RFC 6154 §5.2
    { tag: 't1', name: 'CREATE', mailbox: 'MySpecial', specialUse: ['\\Drafts', '\\Sent', '\\X-Custom'] },
  ],
  ['A682 DELETE blurdybloop\r\n', { tag: 'A682', name: 'DELETE', mailbox: 'blurdybloop' }],
  ['A002 SUBSCRIBE #news.comp.mail.mime\r\n', { tag: 'A002', name: 'SUBSCRIBE', mailbox: '#news.comp.mail.mime' }],
  [
    'A002 UNSUBSCRIBE "#news.comp.mail.mime"\r\n',
    { tag: 'A002', name: 'UNSUBSCRIBE', mailbox: '#news.comp.mail.mime' },
  ],
  ['A683 RENAME blurdybloop sarasoop\r\n', { tag: 'A683', name: 'RENAME', from: 'blurdybloop', to: 'sarasoop' }],
  ['A1 RENAME "a b" {3}\r\nc d\r\n', { tag: 'A1', name: 'RENAME', from: 'a b', to: 'c d' }],
  // LIST (RFC 9051 §6.3.9, RFC 5258, RFC 5819, RFC 6154 examples) and LSUB
  [
    'A101 LIST "" ""\r\n',
    {
      tag: 'A101',
      name: 'LIST',
      reference: '',
      patterns: [''],
      selection: noSelection,
      returnOptions: noReturn,
      extended: false,
    },
  ],
  [
    'A202 LIST ~/Mail/ %\r\n',
    {
      tag: 'A202',
      name: 'LIST',
      reference: '~/Mail/',
      patterns: ['%'],
      selection: noSelection,
      returnOptions: noReturn,
      extended: false,
    },
  ],
  [
    'A1 LIST "" foo/*]\r\n',
    {
      tag: 'A1',
      name: 'LIST',
      reference: '',
      patterns: ['foo/*]'],
      selection: noSelection,
      returnOptions: noReturn,
      extended: false,
    },
  ],
  [
    'A04 LIST (SUBSCRIBED RECURSIVEMATCH) "" "*" RETURN (CHILDREN)\r\n',
    {
      tag: 'A04',
      name: 'LIST',
      reference: '',
      patterns: ['*'],
      selection: { ...noSelection, subscribed: true, recursiveMatch: true },
      returnOptions: { ...noReturn, children: true },
      extended: true,
    },
  ],
  [
    'A1 LIST "" ("INBOX" "Drafts" %) RETURN (SPECIAL-USE STATUS (MESSAGES UNSEEN))\r\n',
    {
      tag: 'A1',
      name: 'LIST',
      reference: '',
      patterns: ['INBOX', 'Drafts', '%'],
      selection: noSelection,
      returnOptions: { ...noReturn, specialUse: true, status: ['MESSAGES', 'UNSEEN'] },
      extended: true,
    },
  ],
  [
    't3 LIST (SPECIAL-USE) "" "*"\r\n',
    {
      tag: 't3',
      name: 'LIST',
      reference: '',
      patterns: ['*'],
      selection: { ...noSelection, specialUse: true },
      returnOptions: noReturn,
      extended: true,
    },
  ],
  [
    'A1 LIST () "" % RETURN ()\r\n',
    {
      tag: 'A1',
      name: 'LIST',
      reference: '',
      patterns: ['%'],
      selection: noSelection,
      returnOptions: noReturn,
      extended: true,
    },
  ],
  ['A002 LSUB "#news." "comp.mail.*"\r\n', { tag: 'A002', name: 'LSUB', reference: '#news.', pattern: 'comp.mail.*' }],
  // STATUS
  [
    'A042 STATUS blurdybloop (UIDNEXT MESSAGES)\r\n',
    { tag: 'A042', name: 'STATUS', mailbox: 'blurdybloop', items: ['UIDNEXT', 'MESSAGES'] },
  ],
  [
    'A1 STATUS INBOX (messages UIDNEXT UIDVALIDITY UNSEEN DELETED SIZE RECENT HIGHESTMODSEQ APPENDLIMIT MESSAGES)\r\n',
    {
      tag: 'A1',
      name: 'STATUS',
      mailbox: 'INBOX',
      items: [
        'MESSAGES',
        'UIDNEXT',
        'UIDVALIDITY',
        'UNSEEN',
        'DELETED',
        'SIZE',
        'RECENT',
        'HIGHESTMODSEQ',
        'APPENDLIMIT',
      ],
    },
  ],
  // APPEND, MULTIAPPEND, literal8, 8-bit message data
  [
    'A003 APPEND saved-messages (\\Seen) {5}\r\nHello\r\n',
    {
      tag: 'A003',
      name: 'APPEND',
      mailbox: 'saved-messages',
      messages: [{ flags: ['\\Seen'], internalDate: null, data: text('Hello'), binary: false }],
    },
  ],
  [
    'A1 APPEND INBOX (\\seen \\Flagged $Label \\Seen) " 7-Jul-1996 02:44:25 -0700" {5+}\r\nab\r\nc\r\n',
    {
      tag: 'A1',
      name: 'APPEND',
      mailbox: 'INBOX',
      messages: [
        {
          flags: ['\\Seen', '\\Flagged', '$Label'],
          internalDate: { date: new Date('1996-07-07T09:44:25Z'), offsetMinutes: -420 },
          data: text('ab\r\nc'),
          binary: false,
        },
      ],
    },
  ],
  [
    bytes(
      'A1 APPEND Drafts {3}\r\nabc () {2+}\r\n',
      [0xc3, 0xa9],
      ' "01-Feb-2024 10:00:00 +0130" ~{3}\r\nx',
      [0],
      'y\r\n',
    ),
    {
      tag: 'A1',
      name: 'APPEND',
      mailbox: 'Drafts',
      messages: [
        { flags: [], internalDate: null, data: text('abc'), binary: false },
        { flags: [], internalDate: null, data: Uint8Array.from([0xc3, 0xa9]), binary: false },
        {
          flags: [],
          internalDate: { date: new Date('2024-02-01T08:30:00Z'), offsetMinutes: 90 },
          data: bytes('x', [0], 'y'),
          binary: true,
        },
      ],
    },
  ],
  // EXPUNGE / UID EXPUNGE (RFC 4315)
  ['A202 EXPUNGE\r\n', { tag: 'A202', name: 'EXPUNGE', uid: false, uids: null }],
  ['A003 UID EXPUNGE 3000:3002\r\n', { tag: 'A003', name: 'EXPUNGE', uid: true, uids: set([3000, 3002]) }],
  // SEARCH (RFC 9051 §6.4.4 examples), ESEARCH, SAVE, MODSEQ
  [
    'A282 SEARCH FLAGGED SINCE 1-Feb-1994 NOT FROM "Smith"\r\n',
    search(
      'A282',
      and(
        flag('\\Flagged'),
        { type: 'date', field: 'internal', comparison: 'since', date: { year: 1994, month: 2, day: 1 } },
        { type: 'not', key: { type: 'header', field: 'FROM', value: 'Smith' } },
      ),
    ),
  ],
  ['A283 SEARCH TEXT "string not in mailbox"\r\n', search('A283', { type: 'text', value: 'string not in mailbox' })],
  [
    'A284 SEARCH CHARSET UTF-8 TEXT {12}\r\nМосква\r\n',
    search('A284', { type: 'text', value: 'Москва' }, { charset: 'UTF-8' }),
  ],
  ['A1 SEARCH charset us-ascii ALL\r\n', search('A1', { type: 'all' }, { charset: 'US-ASCII' })],
  [
    'A1 UID SEARCH RETURN (MIN MAX COUNT) UNSEEN\r\n',
    search('A1', flag('\\Seen', false), { uid: true, returnOptions: ['MIN', 'MAX', 'COUNT'] }),
  ],
  ['A1 SEARCH RETURN () ALL\r\n', search('A1', { type: 'all' }, { returnOptions: ['ALL'] })],
  [
    'A1 SEARCH RETURN (SAVE ALL) CHARSET UTF-8 DELETED\r\n',
    search('A1', flag('\\Deleted'), { returnOptions: ['SAVE', 'ALL'], charset: 'UTF-8' }),
  ],
  ['A1 UID SEARCH UID $\r\n', search('A1', { type: 'uid', set: SAVED }, { uid: true })],
  ['A1 SEARCH $ SEEN\r\n', search('A1', and({ type: 'sequence', set: SAVED }, flag('\\Seen')))],
  [
    'A1 SEARCH OR (SEEN FLAGGED) NOT (1:5,*,9:3 DELETED)\r\n',
    search('A1', {
      type: 'or',
      left: and(flag('\\Seen'), flag('\\Flagged')),
      right: { type: 'not', key: and({ type: 'sequence', set: set([1, 5], ['*'], [9, 3]) }, flag('\\Deleted')) },
    }),
  ],
  [
    'A1 SEARCH OR OR SEEN DRAFT (UNDRAFT) (OR 1 2)\r\n',
    search(
      'A1',
      and(
        {
          type: 'or',
          left: { type: 'or', left: flag('\\Seen'), right: flag('\\Draft') },
          right: flag('\\Draft', false),
        },
        { type: 'or', left: { type: 'sequence', set: set([1]) }, right: { type: 'sequence', set: set([2]) } },
      ),
    ),
  ],
  [
    'a SEARCH MODSEQ "/flags/\\\\draft" all 620162338\r\n', // RFC 7162 §3.1.5
    search('a', { type: 'modseq', modseq: 620162338, entry: { flag: '\\Draft', kind: 'all' } }),
  ],
  ['a SEARCH MODSEQ 0\r\n', search('a', { type: 'modseq', modseq: 0, entry: null })],
  [
    'A1 SEARCH HEADER Message-ID <x@y> LARGER 100 SMALLER 2000 UID 1:*\r\n',
    search(
      'A1',
      and(
        { type: 'header', field: 'Message-ID', value: '<x@y>' },
        { type: 'size', comparison: 'larger', size: 100 },
        { type: 'size', comparison: 'smaller', size: 2000 },
        { type: 'uid', set: set([1, '*']) },
      ),
    ),
  ],
  [
    'A1 SEARCH KEYWORD $Forwarded UNKEYWORD Junk ANSWERED UNANSWERED UNDELETED UNFLAGGED NEW OLD RECENT\r\n',
    search(
      'A1',
      and(
        flag('$Forwarded'),
        flag('Junk', false),
        flag('\\Answered'),
        flag('\\Answered', false),
        flag('\\Deleted', false),
        flag('\\Flagged', false),
        and(flag('\\Recent'), flag('\\Seen', false)),
        flag('\\Recent', false),
        flag('\\Recent'),
      ),
    ),
  ],
  [
    'A1 SEARCH SENTBEFORE "1-Feb-2024" SENTON 29-feb-2024 SENTSINCE 3-APR-2024 BEFORE 31-Dec-1999 ON 01-Jan-2000\r\n',
    search(
      'A1',
      and(
        { type: 'date', field: 'sent', comparison: 'before', date: { year: 2024, month: 2, day: 1 } },
        { type: 'date', field: 'sent', comparison: 'on', date: { year: 2024, month: 2, day: 29 } },
        { type: 'date', field: 'sent', comparison: 'since', date: { year: 2024, month: 4, day: 3 } },
        { type: 'date', field: 'internal', comparison: 'before', date: { year: 1999, month: 12, day: 31 } },
        { type: 'date', field: 'internal', comparison: 'on', date: { year: 2000, month: 1, day: 1 } },
      ),
    ),
  ],
  [
    'A1 SEARCH OLDER 3600 YOUNGER 60 BODY x BCC a CC b TO c SUBJECT "d e"\r\n',
    search(
      'A1',
      and(
        { type: 'age', comparison: 'older', seconds: 3600 },
        { type: 'age', comparison: 'younger', seconds: 60 },
        { type: 'body', value: 'x' },
        { type: 'header', field: 'BCC', value: 'a' },
        { type: 'header', field: 'CC', value: 'b' },
        { type: 'header', field: 'TO', value: 'c' },
        { type: 'header', field: 'SUBJECT', value: 'd e' },
      ),
    ),
  ],
  // FETCH (RFC 9051 §6.4.5 examples), macros, sections, partials, BINARY, CONDSTORE/QRESYNC modifiers
  [
    'A654 FETCH 2:4 (FLAGS BODY[HEADER.FIELDS (DATE FROM)])\r\n',
    fetch('A654', set([2, 4]), [
      item('FLAGS'),
      bodySection([], { type: 'header-fields', not: false, fields: ['DATE', 'FROM'] }),
    ]),
  ],
  ['A1 FETCH 1 ALL\r\n', fetch('A1', set([1]), ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'ENVELOPE'].map(item))],
  ['A1 FETCH 1 fast\r\n', fetch('A1', set([1]), ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE'].map(item))],
  [
    'A1 FETCH 1 FULL\r\n',
    fetch('A1', set([1]), ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'ENVELOPE', 'BODY'].map(item)),
  ],
  ['A1 FETCH * uid\r\n', fetch('A1', set(['*']), [item('UID')])],
  [
    'A1 FETCH 1:* (UID RFC822.SIZE rfc822 RFC822.HEADER RFC822.TEXT ENVELOPE INTERNALDATE BODY BODYSTRUCTURE MODSEQ)\r\n',
    fetch(
      'A1',
      set([1, '*']),
      [
        'UID',
        'RFC822.SIZE',
        'RFC822',
        'RFC822.HEADER',
        'RFC822.TEXT',
        'ENVELOPE',
        'INTERNALDATE',
        'BODY',
        'BODYSTRUCTURE',
        'MODSEQ',
      ].map(item),
    ),
  ],
  [
    'A1 UID FETCH 1:* (BODY.PEEK[1.2.HEADER.FIELDS.NOT (From To)]<0.100>)\r\n',
    fetch(
      'A1',
      set([1, '*']),
      [
        bodySection([1, 2], { type: 'header-fields', not: true, fields: ['From', 'To'] }, true, {
          offset: 0,
          length: 100,
        }),
      ],
      {
        uid: true,
      },
    ),
  ],
  [
    'A1 FETCH 1 (BODY[] body[1] BODY[1.2.MIME] BODY[TEXT] BODY[HEADER] BODY[2.TEXT] BODY[3.HEADER] BODY[]<10.5>)\r\n',
    fetch('A1', set([1]), [
      bodySection([]),
      bodySection([1]),
      bodySection([1, 2], { type: 'mime' }),
      bodySection([], { type: 'text' }),
      bodySection([], { type: 'header' }),
      bodySection([2], { type: 'text' }),
      bodySection([3], { type: 'header' }),
      bodySection([], null, false, { offset: 10, length: 5 }),
    ]),
  ],
  [
    'A1 FETCH 1 (BINARY[1.2]<0.10> BINARY.PEEK[] BINARY.SIZE[3])\r\n',
    fetch('A1', set([1]), [
      { type: 'binary', peek: false, part: [1, 2], partial: { offset: 0, length: 10 } },
      { type: 'binary', peek: true, part: [], partial: null },
      { type: 'binary-size', part: [3] },
    ]),
  ],
  [
    's100 UID FETCH 1:* (FLAGS) (CHANGEDSINCE 12345 VANISHED)\r\n', // RFC 7162 §3.2.6
    fetch('s100', set([1, '*']), [item('FLAGS')], { uid: true, changedSince: 12345, vanished: true }),
  ],
  ['s100 FETCH 1 FLAGS (changedsince 5)\r\n', fetch('s100', set([1]), [item('FLAGS')], { changedSince: 5 })],
  ['A1 FETCH 1:3,7,*,10:*,3:1 FLAGS\r\n', fetch('A1', set([1, 3], [7], ['*'], [10, '*'], [3, 1]), [item('FLAGS')])],
  ['A1 FETCH $ FLAGS\r\n', fetch('A1', SAVED, [item('FLAGS')])],
  [
    'A1 FETCH 1 BODY[HEADER.FIELDS ({4}\r\nFrom "X-Y")]\r\n',
    fetch('A1', set([1]), [bodySection([], { type: 'header-fields', not: false, fields: ['From', 'X-Y'] })]),
  ],
  // STORE (RFC 9051 §6.4.6, RFC 7162 §3.1.3 examples)
  [
    'A003 STORE 2:4 +FLAGS (\\Deleted)\r\n',
    {
      tag: 'A003',
      name: 'STORE',
      uid: false,
      sequenceSet: set([2, 4]),
      unchangedSince: null,
      operation: 'add',
      silent: false,
      flags: ['\\Deleted'],
    },
  ],
  [
    'A1 STORE 1 flags.silent \\seen \\Flagged\r\n',
    {
      tag: 'A1',
      name: 'STORE',
      uid: false,
      sequenceSet: set([1]),
      unchangedSince: null,
      operation: 'replace',
      silent: true,
      flags: ['\\Seen', '\\Flagged'],
    },
  ],
  [
    'A1 UID STORE 1:* -FLAGS.SILENT ($Junk)\r\n',
    {
      tag: 'A1',
      name: 'STORE',
      uid: true,
      sequenceSet: set([1, '*']),
      unchangedSince: null,
      operation: 'remove',
      silent: true,
      flags: ['$Junk'],
    },
  ],
  [
    'd105 STORE 7,5,9 (UNCHANGEDSINCE 320162338) +FLAGS.SILENT (\\Deleted)\r\n',
    {
      tag: 'd105',
      name: 'STORE',
      uid: false,
      sequenceSet: set([7], [5], [9]),
      unchangedSince: 320162338,
      operation: 'add',
      silent: true,
      flags: ['\\Deleted'],
    },
  ],
  [
    'A1 STORE 1 FLAGS ()\r\n',
    {
      tag: 'A1',
      name: 'STORE',
      uid: false,
      sequenceSet: set([1]),
      unchangedSince: null,
      operation: 'replace',
      silent: false,
      flags: [],
    },
  ],
  // COPY / MOVE (RFC 6851)
  [
    'A003 COPY 2:4 MEETING\r\n',
    { tag: 'A003', name: 'COPY', uid: false, sequenceSet: set([2, 4]), mailbox: 'MEETING' },
  ],
  [
    'A1 UID MOVE 42:69 "foo bar"\r\n',
    { tag: 'A1', name: 'MOVE', uid: true, sequenceSet: set([42, 69]), mailbox: 'foo bar' },
  ],
  ['A1 MOVE $ Trash\r\n', { tag: 'A1', name: 'MOVE', uid: false, sequenceSet: SAVED, mailbox: 'Trash' }],
  // SORT / THREAD (RFC 5256 §4 examples), ESORT
  [
    'A282 SORT (SUBJECT) UTF-8 SINCE 1-Feb-1994\r\n',
    {
      tag: 'A282',
      name: 'SORT',
      uid: false,
      returnOptions: null,
      sortCriteria: [{ key: 'SUBJECT', reverse: false }],
      charset: 'UTF-8',
      criteria: { type: 'date', field: 'internal', comparison: 'since', date: { year: 1994, month: 2, day: 1 } },
    },
  ],
  [
    'A1 UID SORT RETURN (COUNT) (REVERSE DATE arrival) US-ASCII ALL\r\n',
    {
      tag: 'A1',
      name: 'SORT',
      uid: true,
      returnOptions: ['COUNT'],
      sortCriteria: [
        { key: 'DATE', reverse: true },
        { key: 'ARRIVAL', reverse: false },
      ],
      charset: 'US-ASCII',
      criteria: { type: 'all' },
    },
  ],
  [
    'A283 THREAD ORDEREDSUBJECT UTF-8 SINCE 5-MAR-2000\r\n',
    {
      tag: 'A283',
      name: 'THREAD',
      uid: false,
      algorithm: 'ORDEREDSUBJECT',
      charset: 'UTF-8',
      criteria: { type: 'date', field: 'internal', comparison: 'since', date: { year: 2000, month: 3, day: 5 } },
    },
  ],
]

const label = (input: string | Uint8Array) =>
  (typeof input === 'string' ? input : new TextDecoder().decode(input)).replace(/\r\n/g, '⏎').slice(0, 90)

describe('parseCommand: valid commands', () => {
  test.each(rows.map(([input, expected, options]) => [label(input), input, expected, options] as const))(
    '%s',
    (_label, input, expected, options) => {
      const result = parseInput(input, options ?? {})
      if (result instanceof Error) throw result
      expect(result).toEqual(expected as ImapCommand)
    },
  )

  test('the table covers every command name the parser knows', () => {
    const names = new Set<string>(
      rows.map(([input, , options]) => {
        const result = parseInput(input, options ?? {})
        return result instanceof Error ? 'error' : result.name
      }),
    )
    for (const name of [
      'CAPABILITY',
      'NOOP',
      'LOGOUT',
      'STARTTLS',
      'AUTHENTICATE',
      'LOGIN',
      'ENABLE',
      'ID',
      'NAMESPACE',
      'SELECT',
      'EXAMINE',
      'CREATE',
      'DELETE',
      'RENAME',
      'SUBSCRIBE',
      'UNSUBSCRIBE',
      'LIST',
      'LSUB',
      'STATUS',
      'APPEND',
      'CHECK',
      'CLOSE',
      'UNSELECT',
      'EXPUNGE',
      'SEARCH',
      'FETCH',
      'STORE',
      'COPY',
      'MOVE',
      'IDLE',
      'SORT',
      'THREAD',
      'GETQUOTA',
      'GETQUOTAROOT',
      'COMPRESS',
    ]) {
      expect(names).toContain(name)
    }
    expect(names).not.toContain('error')
  })
})
