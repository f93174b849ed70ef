// Malformed input → BAD (or NO [TOOBIG]) with a message that says what was wrong, tag kept when readable.
import { describe, expect, test } from 'bun:test'
import { ImapParseError } from '../../../src/imap/protocol/imap-parse-error.ts'
import { bytes, parseInput } from './helpers/receive.ts'

type BadRow = [
  input: string | Uint8Array,
  tag: string | null,
  message: string | RegExp,
  options?: { utf8Accept?: boolean; status?: 'BAD' | 'NO'; code?: string; limits?: { maxLiteralSize?: number } },
]

const rows: BadRow[] = [
  // Tag and command name
  ['+ NOOP\r\n', null, 'Missing or invalid tag'],
  ['"a" NOOP\r\n', null, 'Missing or invalid tag'],
  ['A1\r\n', 'A1', 'Missing command name'],
  ['A1 \r\n', 'A1', 'Missing command name'],
  ['A1  NOOP\r\n', 'A1', 'Expected command name, got a space'],
  ['A1 FROB\r\n', 'A1', 'Unknown command FROB'],
  ['A1 UID NOOP\r\n', 'A1', 'UID NOOP is not a command'],
  ['A1 UID\r\n', 'A1', 'Missing command after UID'],
  ['A1 NOOP extra\r\n', 'A1', 'NOOP takes no arguments'],
  ['A1 EXPUNGE 1\r\n', 'A1', 'EXPUNGE takes no arguments'],
  [bytes('A1 NO', [0xcf], 'P\r\n'), 'A1', '8-bit character in command name'],
  // Missing arguments
  ['A1 SELECT\r\n', 'A1', 'Missing mailbox name'],
  ['A1 SELECT \r\n', 'A1', 'Missing mailbox name'],
  ['A1 LOGIN user\r\n', 'A1', 'Missing password'],
  ['A1 RENAME a\r\n', 'A1', 'Missing new mailbox name'],
  ['A1 ENABLE\r\n', 'A1', 'Missing capability'],
  ['A1 COMPRESS\r\n', 'A1', 'Missing compression algorithm'],
  ['A1 STATUS INBOX\r\n', 'A1', 'Missing status item list'],
  ['A1 FETCH 1\r\n', 'A1', 'Missing fetch attributes'],
  ['A1 COPY 1:2\r\n', 'A1', 'Missing mailbox name'],
  ['A1 SEARCH\r\n', 'A1', 'Missing search criteria'],
  ['A1 SEARCH CHARSET\r\n', 'A1', 'Missing charset name'],
  ['A1 SEARCH NOT\r\n', 'A1', 'Missing search key after NOT'],
  ['A1 SEARCH OR SEEN\r\n', 'A1', 'Missing second search key after OR'],
  ['A1 SEARCH HEADER Subject\r\n', 'A1', 'Missing string after HEADER field name'],
  ['A1 APPEND INBOX\r\n', 'A1', 'Missing message literal'],
  ['A1 APPEND INBOX (\\Seen)\r\n', 'A1', 'Missing message literal'],
  ['A1 ID ("a")\r\n', 'A1', 'Expected a space before value for ID field "a"'],
  ['A1 FETCH 1 FLAGS \r\n', 'A1', 'Trailing space at end of command'],
  // Parentheses
  ['A1 FETCH 1 (FLAGS\r\n', 'A1', 'Unbalanced parentheses: fetch attribute list is not closed'],
  ['A1 FETCH 1 FLAGS)\r\n', 'A1', 'Unexpected ")"'],
  ['A1 SEARCH (SEEN\r\n', 'A1', 'Unbalanced parentheses: search key list is not closed'],
  ['A1 SEARCH (SEEN))\r\n', 'A1', 'Unexpected ")"'],
  ['A1 STATUS INBOX ()\r\n', 'A1', 'Empty status item list'],
  ['A1 FETCH 1 ()\r\n', 'A1', 'Empty fetch attribute list'],
  // Sequence sets
  ['A1 FETCH 0 FLAGS\r\n', 'A1', /Invalid sequence set: .*0 is not a valid number/],
  ['A1 FETCH 1: FLAGS\r\n', 'A1', /Invalid sequence set: "1:": empty number/],
  ['A1 FETCH a FLAGS\r\n', 'A1', /Invalid sequence set: .*"a" is not a number/],
  ['A1 FETCH 1,,2 FLAGS\r\n', 'A1', 'Invalid sequence set'],
  ['A1 FETCH 1:2:3 FLAGS\r\n', 'A1', 'is not a range'],
  ['A1 FETCH 4294967296 FLAGS\r\n', 'A1', 'larger than 4294967295'],
  ['A1 FETCH 01 FLAGS\r\n', 'A1', 'Invalid sequence set'],
  ['A1 UID COPY $1 Trash\r\n', 'A1', 'Invalid UID set'],
  ['A1 SELECT INBOX (QRESYNC (1 1 1:*))\r\n', 'A1', '"*" not allowed here'],
  ['A1 SELECT INBOX (QRESYNC (1 1 $))\r\n', 'A1', 'Saved search result ($) not allowed here'],
  // Dates
  ['A1 SEARCH SINCE 31-Feb-2024\r\n', 'A1', 'Invalid day 31 for Feb 2024'],
  ['A1 SEARCH SINCE 29-Feb-2023\r\n', 'A1', 'Invalid day 29 for Feb 2023'],
  ['A1 SEARCH SINCE 1-Foo-2024\r\n', 'A1', 'Invalid month "Foo"'],
  ['A1 SEARCH BEFORE yesterday\r\n', 'A1', 'Invalid date "yesterday"'],
  ['A1 SEARCH ON 1-Feb-24\r\n', 'A1', 'Invalid date "1-Feb-24"'],
  ['A1 APPEND INBOX "32-Jul-1996 02:44:25 -0700" {1+}\r\nx\r\n', 'A1', 'Invalid day 32'],
  ['A1 APPEND INBOX "17-Jul-1996 24:00:00 +0000" {1+}\r\nx\r\n', 'A1', 'Invalid time'],
  ['A1 APPEND INBOX "17-Jul-1996 02:44:25 +0099" {1+}\r\nx\r\n', 'A1', 'Invalid zone'],
  ['A1 APPEND INBOX "17-Jul-1996" {1+}\r\nx\r\n', 'A1', 'Invalid date-time'],
  // Mailbox names: modified UTF-7, 8-bit, UTF8=ACCEPT
  ['A1 SELECT &Jjo\r\n', 'A1', 'Unterminated "&" sequence'],
  ['A1 SELECT "&Jjo"\r\n', 'A1', 'Unterminated "&" sequence'],
  ['A1 SELECT &AGE-\r\n', 'A1', 'Printable ASCII "a" must not be base64-encoded'],
  ['A1 SELECT &2D0-\r\n', 'A1', 'Unpaired UTF-16 surrogate'],
  ['A1 SELECT &A!-\r\n', 'A1', 'Invalid modified base64 character "!"'],
  ['A1 SELECT &AB-\r\n', 'A1', 'Invalid modified base64 padding'],
  [bytes('A1 SELECT "Entw', [0xc3, 0xbc], 'rfe"\r\n'), 'A1', 'Mailbox name has 8-bit characters'],
  [bytes('A1 SELECT Entw', [0xc3, 0xbc], 'rfe\r\n'), 'A1', '8-bit character in mailbox name'],
  [bytes('A1 SELECT "', [0xff], '"\r\n'), 'A1', 'Mailbox name is not valid UTF-8', { utf8Accept: true }],
  [bytes('A1 SELECT "a', [0x01], 'b"\r\n'), 'A1', 'control characters', { utf8Accept: true }],
  [bytes('A1 CREATE "a', [0x7f], '"\r\n'), 'A1', 'Invalid character 0x7f'],
  // Quoted strings, atoms, literals
  [bytes('A1 LOGIN "a', [0], 'b" x\r\n'), 'A1', 'NUL character in quoted string (user name)'],
  [bytes('A1 LOGIN {3}\r\na', [0], 'b x\r\n'), 'A1', 'NUL character in user name'],
  [bytes('A1 LOGIN us', [0xe9], 'r pw\r\n'), 'A1', '8-bit character in user name'],
  [bytes('A1 LOGIN "', [0xff], '" pw\r\n'), 'A1', 'Invalid UTF-8 in user name'],
  ['A1 LOGIN "abc def\r\n', 'A1', 'Unterminated quoted string in user name'],
  ['A1 LOGIN "a\\x" b\r\n', 'A1', 'Invalid escape in quoted string (user name)'],
  ['A1 LOGIN ~{3}\r\nabc x\r\n', 'A1', 'literal8 (~{n}) is not allowed for user name'],
  ['A1 LOGIN {3}x y\r\n', 'A1', 'Invalid literal in user name: a literal is {size} at the end of a line'],
  ['A1 LOGIN (a) b\r\n', 'A1', 'Expected user name, got "(a)"'],
  ['A1 APPEND INBOX hello\r\n', 'A1', 'Expected the message as a literal {size}, got "hello"'],
  ['A1 APPEND INBOX "hello"\r\n', 'A1', 'Invalid date-time "hello"'],
  ['A1 AUTHENTICATE PLAIN !!!!\r\n', 'A1', 'Initial response is not valid base64'],
  ['A1 AUTHENTICATE PLAIN AHVzZXI\r\n', 'A1', 'Initial response is not valid base64'],
  // Literal size limits (receiver): sync → NO [TOOBIG], non-sync → BAD [TOOBIG]
  [
    'A1 APPEND INBOX {1000}\r\n',
    'A1',
    'Literal of 1000 bytes exceeds the limit of 100',
    { status: 'NO', code: 'TOOBIG', limits: { maxLiteralSize: 100 } },
  ],
  [
    `A1 APPEND INBOX {101+}\r\n${'x'.repeat(101)}\r\n`,
    'A1',
    'Literal of 101 bytes exceeds the limit of 100',
    { status: 'BAD', code: 'TOOBIG', limits: { maxLiteralSize: 100 } },
  ],
  [
    'A1 APPEND INBOX {99999999999999999999}\r\n',
    'A1',
    'Literal of that many bytes exceeds',
    { status: 'NO', code: 'TOOBIG' },
  ],
  // FETCH attributes
  ['A1 FETCH 1 (FOO)\r\n', 'A1', 'Unknown fetch attribute FOO'],
  ['A1 FETCH 1 BODY[1.0]\r\n', 'A1', 'Invalid section part number: must not be 0'],
  ['A1 FETCH 1 BODY[MIME]\r\n', 'A1', 'MIME needs a part number'],
  ['A1 FETCH 1 BODY[1.FOO]\r\n', 'A1', 'Invalid section "FOO"'],
  ['A1 FETCH 1 BODY[HEADER.FIELDS ()]\r\n', 'A1', 'Empty header field list'],
  ['A1 FETCH 1 BODY[HEADER.FIELDS (A:B)]\r\n', 'A1', 'Invalid header field name "A:B"'],
  ['A1 FETCH 1 BODY[HEADER.FIELDS]\r\n', 'A1', 'Expected a space before header field list'],
  ['A1 FETCH 1 BODY[1\r\n', 'A1', 'Expected "]" to close the section'],
  ['A1 FETCH 1 BODY[1]<10>\r\n', 'A1', 'Invalid partial: expected <offset.length>'],
  ['A1 FETCH 1 BODY[]<0.0>\r\n', 'A1', 'Invalid partial length: must not be 0'],
  ['A1 FETCH 1 BODY.PEEK\r\n', 'A1', 'BODY.PEEK needs a section'],
  ['A1 FETCH 1 BINARY.SIZE[1]<0.1>\r\n', 'A1', 'Unexpected "<0.1>"'],
  ['A1 FETCH 1 FLAGS[1]\r\n', 'A1', 'Fetch attribute FLAGS takes no section'],
  ['A1 FETCH 1 (FLAGS ALL)\r\n', 'A1', 'ALL is a macro'],
  ['A1 FETCH 1 FLAGS (VANISHED)\r\n', 'A1', 'VANISHED is only allowed in UID FETCH'],
  ['A1 UID FETCH 1 FLAGS (VANISHED)\r\n', 'A1', 'VANISHED requires CHANGEDSINCE'],
  ['A1 FETCH 1 FLAGS (CHANGEDSINCE 0)\r\n', 'A1', 'must not be 0'],
  ['A1 FETCH 1 FLAGS (FOO)\r\n', 'A1', 'Unknown FETCH modifier FOO'],
  // STORE
  ['A1 STORE 1 FLAGZ (\\Seen)\r\n', 'A1', 'Invalid STORE data item FLAGZ'],
  ['A1 STORE 1 +FLAGS (\\*)\r\n', 'A1', 'Expected flag name after "\\"'],
  ['A1 STORE 1 +FLAGS (\\Seen\r\n', 'A1', 'Unbalanced parentheses: flag list is not closed'],
  [
    'A1 STORE 1 (UNCHANGEDSINCE) FLAGS x\r\n',
    'A1',
    'Expected a space before mod-sequence value after UNCHANGEDSINCE, got ")"',
  ],
  ['A1 STORE 1 (FOO 1) FLAGS x\r\n', 'A1', 'Unknown STORE modifier FOO'],
  // SEARCH
  ['A1 SEARCH FOO\r\n', 'A1', 'Unknown search key FOO'],
  [`A1 SEARCH ${'NOT '.repeat(100)}SEEN\r\n`, 'A1', 'Search criteria nested deeper than 64 levels'],
  [`A1 SEARCH ${'('.repeat(100)}SEEN${')'.repeat(100)}\r\n`, 'A1', 'Search criteria nested deeper than 64 levels'],
  ['A1 SEARCH MODSEQ "/foo/x" all 5\r\n', 'A1', 'Invalid MODSEQ entry name "/foo/x"'],
  ['A1 SEARCH MODSEQ "/flags/\\\\Seen" mine 5\r\n', 'A1', 'Invalid MODSEQ entry type "mine"'],
  ['A1 SEARCH MODSEQ x\r\n', 'A1', 'Expected mod-sequence value'],
  ['A1 SEARCH LARGER 99999999999999999999\r\n', 'A1', 'is too large'],
  ['A1 SEARCH RETURN (FOO) ALL\r\n', 'A1', 'Unknown search return option FOO'],
  ['A1 SORT (FOO) UTF-8 ALL\r\n', 'A1', 'Unknown sort key FOO'],
  ['A1 SORT () UTF-8 ALL\r\n', 'A1', 'Empty sort criteria'],
  ['A1 THREAD REFERENCES UTF-8\r\n', 'A1', 'Missing search criteria'],
  // LIST / SELECT / CREATE options
  ['A1 LIST (RECURSIVEMATCH) "" *\r\n', 'A1', 'RECURSIVEMATCH must be combined with SUBSCRIBED or SPECIAL-USE'],
  ['A1 LIST (FOO) "" *\r\n', 'A1', 'Unknown LIST selection option FOO'],
  ['A1 LIST "" * RETURN (FOO)\r\n', 'A1', 'Unknown LIST return option FOO'],
  ['A1 LIST "" * FOO\r\n', 'A1', 'Expected RETURN options after the LIST pattern'],
  ['A1 SELECT INBOX (FOO)\r\n', 'A1', 'Unknown SELECT parameter FOO'],
  ['A1 SELECT INBOX (QRESYNC (0 1))\r\n', 'A1', 'Invalid QRESYNC UIDVALIDITY: must not be 0'],
  ['A1 SELECT INBOX (QRESYNC (1 1 (1:2)))\r\n', 'A1', 'Expected a space before QRESYNC known UID set'],
  ['A1 CREATE foo (BAR)\r\n', 'A1', 'Unknown CREATE parameter BAR'],
  ['A1 CREATE foo (USE (Sent))\r\n', 'A1', 'Special-use attributes start with "\\"'],
]

describe('parseCommand: malformed input', () => {
  // Every row gets all five values: bun treats a missing trailing argument as a `done` callback.
  test.each(
    rows.map(
      ([input, tag, message, options]) => [String(message).slice(0, 70), input, tag, message, options ?? {}] as const,
    ),
  )('%s', (_label, input, tag, message, options) => {
    const result = parseInput(input, { utf8Accept: options.utf8Accept, limits: options.limits })
    expect(result).toBeInstanceOf(ImapParseError)
    const error = result as ImapParseError
    if (typeof message === 'string') expect(error.message).toContain(message)
    else expect(error.message).toMatch(message)
    expect(error.tag).toBe(tag)
    expect(error.status).toBe(options.status ?? 'BAD')
    expect(error.kind).toBe((options.status ?? 'BAD') === 'BAD' ? 'syntax' : 'user')
    if (options.code !== undefined) expect(error.codes.imap).toBe(options.code)
  })
})
