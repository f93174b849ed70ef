// GETQUOTAROOT / GETQUOTA (RFC 9208) from the account's quotaBytes and usage.
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { type ImapFixture, type ImapTestClient, imapFixture, lines } from './support/imap-harness.ts'

let f: ImapFixture
let c: ImapTestClient
beforeAll(async () => {
  f = await imapFixture()
  await f.deliver()
  c = await f.login()
})
afterAll(() => f.cleanup())

test('no limit: a QUOTAROOT without roots; GETQUOTA "" is NONEXISTENT', async () => {
  expect(lines(await c.send('a1 GETQUOTAROOT INBOX'))).toEqual(['* QUOTAROOT "INBOX"', 'a1 OK GETQUOTAROOT completed'])
  expect(await c.send('a2 GETQUOTA ""')).toMatch(/^a2 NO \[NONEXISTENT\] /)
})

test('with a limit: STORAGE in KiB, usage rounded up', async () => {
  const usage = await f.storage.accounts.usage(f.annId)
  await f.storage.accounts.update(f.annId, { quotaBytes: 10 * 1024 * 1024 })
  const used = Math.ceil(usage.bytes / 1024)
  expect(used).toBeGreaterThan(0)
  expect(lines(await c.send('a1 GETQUOTAROOT inbox'))).toEqual([
    '* QUOTAROOT "INBOX" ""',
    `* QUOTA "" (STORAGE ${used} 10240)`,
    'a1 OK GETQUOTAROOT completed',
  ])
  expect(lines(await c.send('a2 GETQUOTA ""'))).toEqual([
    `* QUOTA "" (STORAGE ${used} 10240)`,
    'a2 OK GETQUOTA completed',
  ])
  expect(await c.send('a3 GETQUOTA other')).toMatch(/^a3 NO \[NONEXISTENT\] /)
  expect(await c.send('a4 GETQUOTAROOT Nope')).toMatch(/^a4 NO \[NONEXISTENT\] /)
})
