// RCPT TO through the pipeline against real storage: local users, case, +tags, aliases, catch-all,
// disabled accounts and domains, unknown users, postmaster, relaying, and open-relay address tricks.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import type { RecipientRoute } from '../../../src/smtp/inbound/recipient-route.ts'
import { context, type InboundFixture, inboundFixture, mailFrom, rcptTo } from './inbound-fixture.ts'

let f: InboundFixture
const ids: Record<string, number> = {}

beforeAll(async () => {
  f = await inboundFixture()
  const { storage } = f
  for (const d of ['local.test', 'other.test', 'off.test']) await storage.domains.add(d)
  for (const email of ['ann@local.test', 'bob@local.test', 'carol@local.test', 'box@other.test', 'dan@off.test'])
    ids[email] = await f.account(email)
  await storage.accounts.setDisabled('carol@local.test', true)
  await storage.aliases.add('team@local.test', ['ann@local.test', 'bob@local.test'])
  await storage.aliases.add('fwd@local.test', ['someone@elsewhere.example'])
  await storage.aliases.add('mixed@local.test', ['bob@local.test', 'x@elsewhere.example'])
  await storage.aliases.add('postmaster@local.test', ['ann@local.test'])
  await storage.aliases.add('old@local.test', ['carol@local.test'])
  await storage.domains.setCatchAll('other.test', 'box@other.test')
  await storage.domains.setEnabled('off.test', false)
})
afterAll(() => f.cleanup())

const anonymous = context()
const authenticated = context({ port: 'submission', auth: { accountId: 1, email: 'ann@local.test' } })

async function rcpt(address: string, ctx = anonymous) {
  const result = await f.pipeline.rcptTo(ctx, mailFrom('sender@sender.example'), rcptTo(address), [])
  const route = result.ok ? (result.recipient.route as RecipientRoute) : null
  return {
    code: result.reply.code,
    enhanced: result.reply.enhanced,
    local: route?.local.map(l => l.email).sort() ?? [],
    remote: route?.remote ?? [],
    via: route?.via ?? null,
    tag: route?.local[0]?.tag ?? null,
  }
}

describe('local recipients', () => {
  test.each([
    ['exact address', 'bob@local.test', ['bob@local.test'], 'account', null],
    ['upper-case local part and domain', 'BOB@LOCAL.TEST', ['bob@local.test'], 'account', null],
    ['plus tag', 'bob+lists@local.test', ['bob@local.test'], 'account', 'lists'],
    ['trailing dot on the domain', 'bob@local.test.', ['bob@local.test'], 'account', null],
    ['alias to two accounts', 'team@local.test', ['ann@local.test', 'bob@local.test'], 'alias', null],
    ['alias with a plus tag', 'team+x@local.test', ['ann@local.test', 'bob@local.test'], 'alias', 'x'],
    ['catch-all of another hosted domain', 'whoever@other.test', ['box@other.test'], 'catch-all', null],
    ['postmaster alias', 'postmaster@local.test', ['ann@local.test'], 'alias', null],
  ])('%s: %s → 250', async (_name, address, local, via, tag) => {
    const r = await rcpt(address)
    expect(r).toMatchObject({ code: 250, enhanced: '2.1.5', local, remote: [], via, tag })
  })

  test('alias to an external address is accepted from the MX and routed to the queue', async () => {
    expect(await rcpt('fwd@local.test')).toMatchObject({ code: 250, local: [], remote: ['someone@elsewhere.example'] })
  })

  test('alias to a local account and an external address keeps both', async () => {
    expect(await rcpt('mixed@local.test')).toMatchObject({
      code: 250,
      local: ['bob@local.test'],
      remote: ['x@elsewhere.example'],
    })
  })

  test('bare <Postmaster> and postmaster@ of a domain without one reach a postmaster (RFC 5321 §4.5.1)', async () => {
    // other.test has a catch-all, so use the disabled domain's sibling: a fresh domain without postmaster.
    await f.storage.domains.add('nopm.test')
    // The session passes a bare <Postmaster> on as postmaster@<hostname> (not a hosted domain here).
    for (const address of [
      'Postmaster',
      'postmaster@mx.local.test',
      'PostMaster@MX.Local.Test',
      'postmaster@nopm.test',
    ]) {
      expect(await rcpt(address), address).toMatchObject({ code: 250, local: ['ann@local.test'], via: 'postmaster' })
    }
  })
})

describe('refused recipients', () => {
  test.each([
    ['unknown user', 'nobody@local.test', 550, '5.1.1'],
    ['unknown user with a tag', 'nobody+x@local.test', 550, '5.1.1'],
    ['disabled account', 'carol@local.test', 550, '5.2.1'],
    ['alias to a disabled account only', 'old@local.test', 550, '5.2.1'],
    ['account in a disabled domain', 'dan@off.test', 550, '5.2.1'],
    ['unqualified local part', 'bob', 550, '5.1.1'],
    ['remote domain without AUTH', 'someone@remote.example', 554, '5.7.1'],
  ])('%s: %s → %i %s', async (_name, address, code, enhanced) => {
    expect(await rcpt(address)).toMatchObject({ code, enhanced, local: [], remote: [] })
  })

  test('rejections are counted by port and reason', async () => {
    await rcpt('nobody2@local.test')
    const counter = f.metrics.counter('smtp_rejections_total', '')
    expect(counter.get({ port: 'mx', reason: 'unknown_user' })).toBeGreaterThan(0)
    expect(counter.get({ port: 'mx', reason: 'relay_denied' })).toBeGreaterThan(0)
  })
})

describe('open-relay tricks never route to a remote domain', () => {
  // What the session passes on after the protocol parser (source routes already dropped).
  test.each([
    ['%-hack', 'user%remote.example@local.test'],
    ['double %-hack', 'user%remote.example%local.test@local.test'],
    ['bang path', 'remote.example!user@local.test'],
    ['quoted local part holding an address', '"user@remote.example"@local.test'],
    ['quoted %-hack', '"user%remote.example"@local.test'],
    ['source route already stripped', 'user@remote.example'],
    ['IPv4 address literal', 'user@[192.0.2.99]'],
    ['IPv6 address literal', 'user@[IPv6:2001:db8::1]'],
    ['upper-case remote', 'USER@REMOTE.EXAMPLE'],
    ['trailing dot remote', 'user@remote.example.'],
    ['hosted domain as a subdomain prefix', 'user@local.test.remote.example'],
    ['remote domain with a local-looking subdomain', 'user@remote.example.local.test'],
  ])('%s: %s', async (_name, address) => {
    const r = await rcpt(address)
    expect(r.remote).toEqual([])
    expect([550, 554]).toContain(r.code)
  })
})

describe('authenticated clients', () => {
  test('may relay to remote domains (the address is kept as given)', async () => {
    expect(await rcpt('Someone@Remote.Example', authenticated)).toMatchObject({
      code: 250,
      local: [],
      remote: ['Someone@Remote.Example'],
      via: 'relay',
    })
  })

  test('may relay to a quoted local part in a remote domain', async () => {
    expect(await rcpt('"john doe"@remote.example', authenticated)).toMatchObject({
      code: 250,
      remote: ['"john doe"@remote.example'],
    })
  })

  test('still get 550 for unknown local users and never relay address literals', async () => {
    expect((await rcpt('nobody@local.test', authenticated)).code).toBe(550)
    expect((await rcpt('"x y"@local.test', authenticated)).code).toBe(550)
    expect(await rcpt('user@[192.0.2.99]', authenticated)).toMatchObject({ code: 554, remote: [] })
  })
})

describe('quota at RCPT time', () => {
  test('a full mailbox is refused with 552 5.2.2; SIZE counts', async () => {
    const id = await f.account('full@local.test', { quotaBytes: 1000 })
    const small = await f.pipeline.rcptTo(
      anonymous,
      mailFrom('a@b.example', { size: 100 }),
      rcptTo('full@local.test'),
      [],
    )
    expect(small.reply.code).toBe(250)
    const big = await f.pipeline.rcptTo(
      anonymous,
      mailFrom('a@b.example', { size: 5000 }),
      rcptTo('full@local.test'),
      [],
    )
    expect(big.reply).toMatchObject({ code: 552, enhanced: '5.2.2' })
    expect(id).toBeGreaterThan(0)
  })
})

describe('trap mode', () => {
  test('accepts any address on any domain for the trap account, creating it on first use', async () => {
    const trap = context({ trap: true })
    for (const address of ['anyone@anywhere.example', 'nobody@local.test', 'user@[192.0.2.1]', 'carol@local.test']) {
      expect(await rcpt(address, trap), address).toMatchObject({
        code: 250,
        local: ['trap@mx.local.test'],
        via: 'trap',
      })
    }
    expect(await f.storage.accounts.get('trap@mx.local.test')).not.toBeNull()
    expect(await f.storage.domains.get('mx.local.test')).not.toBeNull()
  })
})
