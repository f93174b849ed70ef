// LIST and LSUB: patterns, attributes, LIST-EXTENDED selection and return options, LIST-STATUS.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { type ImapFixture, type ImapTestClient, imapFixture, lines } from './support/imap-harness.ts'

let f: ImapFixture
let c: ImapTestClient
beforeAll(async () => {
  f = await imapFixture()
  // Default mailboxes: INBOX, Sent, Drafts, Trash, Junk, Archive (with special uses).
  for (const name of ['Lists/Bun', 'Lists/Zig', 'Work', 'Entwürfe']) await f.storage.mailboxes.create(f.annId, name)
  await f.storage.mailboxes.setSubscribed(f.annId, 'Lists', false)
  await f.storage.mailboxes.setSubscribed(f.annId, 'Lists/Zig', false)
  await f.storage.mailboxes.setSubscribed(f.annId, 'Work', false)
  await f.deliver('Work')
  c = await f.login()
})
afterAll(() => f.cleanup())

const names = (reply: string) =>
  lines(reply)
    .filter(l => l.startsWith('* LIST') || l.startsWith('* LSUB'))
    .map(l => /"\/" (.*?)(?: \(.*\))?$/.exec(l)?.[1])

describe('patterns', () => {
  test.each([
    [
      '"" *',
      [
        '"INBOX"',
        '"Archive"',
        '"Drafts"',
        '"Entw&APw-rfe"',
        '"Junk"',
        '"Lists"',
        '"Lists/Bun"',
        '"Lists/Zig"',
        '"Sent"',
        '"Trash"',
        '"Work"',
      ],
    ],
    [
      '"" %',
      ['"INBOX"', '"Archive"', '"Drafts"', '"Entw&APw-rfe"', '"Junk"', '"Lists"', '"Sent"', '"Trash"', '"Work"'],
    ],
    ['"" Lists/%', ['"Lists/Bun"', '"Lists/Zig"']],
    ['Lists/ %', ['"Lists/Bun"', '"Lists/Zig"']],
    ['"" inbox', ['"INBOX"']],
    ['"" *u*', ['"Junk"', '"Lists/Bun"']],
    ['"" Nothing', []],
    ['"" "Entw&APw-rfe"', ['"Entw&APw-rfe"']],
  ])('LIST %s', async (args, expected) => {
    const reply = await c.send(`a1 LIST ${args}`)
    expect(names(reply)).toEqual(expected)
    expect(lines(reply).at(-1)).toBe('a1 OK LIST completed')
  })

  test('empty pattern: the delimiter and the root', async () => {
    expect(lines(await c.send('a1 LIST "" ""'))[0]).toBe('* LIST (\\Noselect) "/" ""')
    expect(lines(await c.send('a2 LIST "Lists/Bun" ""'))[0]).toBe('* LIST (\\Noselect) "/" "Lists/"')
  })

  test('UTF-8 names once UTF8=ACCEPT is enabled', async () => {
    const d = await f.login()
    await d.send('u1 ENABLE UTF8=ACCEPT')
    expect(names(await d.send('u2 LIST "" Entw*'))).toEqual(['"Entwürfe"'])
  })
})

describe('attributes', () => {
  test('children and special use', async () => {
    const reply = lines(await c.send('a1 LIST "" *'))
    expect(reply).toContain('* LIST (\\HasNoChildren) "/" "INBOX"')
    expect(reply).toContain('* LIST (\\HasNoChildren \\Sent) "/" "Sent"')
    expect(reply).toContain('* LIST (\\HasNoChildren \\Trash) "/" "Trash"')
    expect(reply).toContain('* LIST (\\HasChildren) "/" "Lists"')
  })

  test('RETURN (SUBSCRIBED CHILDREN SPECIAL-USE)', async () => {
    const reply = lines(await c.send('a1 LIST "" % RETURN (SUBSCRIBED CHILDREN SPECIAL-USE)'))
    expect(reply).toContain('* LIST (\\HasNoChildren \\Subscribed) "/" "INBOX"')
    expect(reply).toContain('* LIST (\\HasChildren) "/" "Lists"')
    expect(reply).toContain('* LIST (\\HasNoChildren \\Junk \\Subscribed) "/" "Junk"')
  })
})

describe('LIST-EXTENDED selection', () => {
  test('(SUBSCRIBED) lists subscribed mailboxes with \\Subscribed', async () => {
    const reply = await c.send('a1 LIST (SUBSCRIBED) "" *')
    expect(names(reply)).not.toContain('"Work"')
    expect(names(reply)).not.toContain('"Lists"')
    expect(names(reply)).toContain('"Lists/Bun"')
    expect(lines(reply)).toContain('* LIST (\\HasNoChildren \\Subscribed) "/" "Lists/Bun"')
  })

  test('(SUBSCRIBED RECURSIVEMATCH) names an unsubscribed parent with CHILDINFO', async () => {
    const reply = lines(await c.send('a1 LIST (SUBSCRIBED RECURSIVEMATCH) "" %'))
    expect(reply).toContain('* LIST (\\HasChildren) "/" "Lists" ("CHILDINFO" ("SUBSCRIBED"))')
    expect(reply.some(l => l.includes('"Work"'))).toBe(false)
  })

  test('(SPECIAL-USE) lists only special-use mailboxes', async () => {
    expect(names(await c.send('a1 LIST (SPECIAL-USE) "" *'))).toEqual([
      '"Archive"',
      '"Drafts"',
      '"Junk"',
      '"Sent"',
      '"Trash"',
    ])
  })

  test('(REMOTE) changes nothing here; several patterns', async () => {
    expect(names(await c.send('a1 LIST (REMOTE) "" (INBOX Work)'))).toEqual(['"INBOX"', '"Work"'])
  })

  test('bad options are BAD', async () => {
    expect(await c.send('a1 LIST (BOGUS) "" *')).toStartWith('a1 BAD')
    expect(await c.send('a2 LIST (RECURSIVEMATCH) "" *')).toStartWith('a2 BAD')
  })
})

test('LIST-STATUS: a STATUS right after each LIST line', async () => {
  const reply = lines(await c.send('a1 LIST "" (Work Sent) RETURN (STATUS (MESSAGES UNSEEN))'))
  expect(reply).toEqual([
    '* LIST (\\HasNoChildren \\Sent) "/" "Sent"',
    '* STATUS "Sent" (MESSAGES 0 UNSEEN 0)',
    '* LIST (\\HasNoChildren) "/" "Work"',
    '* STATUS "Work" (MESSAGES 1 UNSEEN 1)',
    'a1 OK LIST completed',
  ])
})

test('LSUB: subscribed mailboxes only', async () => {
  const reply = await c.send('a1 LSUB "" *')
  expect(names(reply)).toContain('"Lists/Bun"')
  expect(names(reply)).not.toContain('"Lists"')
  expect(names(reply)).not.toContain('"Work"')
  expect(lines(reply)).toContain('* LSUB () "/" "INBOX"')
  expect(lines(await c.send('a2 LSUB "" ""'))[0]).toBe('* LSUB (\\Noselect) "/" ""')
  expect(names(await c.send('a3 LSUB "" Lists/%'))).toEqual(['"Lists/Bun"'])
})
