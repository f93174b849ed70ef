// MAIL FROM policy: an authenticated user may send as its own addresses (own, +tags, aliases that lead
// to it) under `own-addresses`, anything under `any`; anonymous MX clients are not checked here.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { profileDefaults } from '../../../src/config/profile-defaults.ts'
import { context, HOSTNAME, type InboundFixture, inboundFixture, mailFrom } from './inbound-fixture.ts'

let f: InboundFixture
let ann: number
let bob: number

beforeAll(async () => {
  f = await inboundFixture()
  const { storage } = f
  await storage.domains.add('local.test')
  await storage.domains.add('catch.test')
  ann = await f.account('ann@local.test')
  bob = await f.account('bob@local.test')
  await f.account('box@catch.test')
  await storage.aliases.add('sales@local.test', ['ann@local.test'])
  await storage.aliases.add('team@local.test', ['ann@local.test', 'bob@local.test'])
  await storage.aliases.add('chain@local.test', ['sales@local.test'])
  await storage.domains.setCatchAll('catch.test', 'ann@local.test')
})
afterAll(() => f.cleanup())

const asAnn = () => context({ port: 'submission', auth: { accountId: ann, email: 'ann@local.test' } })

describe("senderPolicy = 'own-addresses' (default)", () => {
  test.each([
    ['own address', 'ann@local.test'],
    ['own address, other case', 'Ann@Local.Test'],
    ['own +tag', 'ann+newsletter@local.test'],
    ['alias to her', 'sales@local.test'],
    ['alias to her and bob', 'team@local.test'],
    ['alias chain to her', 'chain@local.test'],
    ['null reverse-path', ''],
  ])('%s: <%s> → 250', async (_name, address) => {
    const r = await f.pipeline.mailFrom(asAnn(), mailFrom(address))
    expect(r).toMatchObject({ ok: true, reply: { code: 250, enhanced: '2.1.0' } })
  })

  test.each([
    ["another user's address", 'bob@local.test'],
    ["another user's +tag", 'bob+x@local.test'],
    ['unknown address in her domain', 'ceo@local.test'],
    ['an address only the catch-all would deliver to her', 'anything@catch.test'],
    ['a remote address', 'ann@gmail.example'],
    ['a quoted local part', '"ann local"@local.test'],
  ])('%s: <%s> → 553 5.7.1', async (_name, address) => {
    const r = await f.pipeline.mailFrom(asAnn(), mailFrom(address))
    expect(r).toMatchObject({ ok: false, reply: { code: 553, enhanced: '5.7.1' } })
  })

  test('refusals are counted', () => {
    const counter = f.metrics.counter('smtp_rejections_total', '')
    expect(counter.get({ port: 'submission', reason: 'sender_not_allowed' })).toBeGreaterThan(0)
  })

  test('bob may use the shared alias too, not sales@', async () => {
    const asBob = context({ port: 'submission', auth: { accountId: bob, email: 'bob@local.test' } })
    expect((await f.pipeline.mailFrom(asBob, mailFrom('team@local.test'))).ok).toBe(true)
    expect((await f.pipeline.mailFrom(asBob, mailFrom('sales@local.test'))).ok).toBe(false)
  })

  test('anonymous MX clients may use any sender (SPF/DMARC judge them at DATA)', async () => {
    expect((await f.pipeline.mailFrom(context(), mailFrom('bob@local.test'))).ok).toBe(true)
    expect((await f.pipeline.mailFrom(context(), mailFrom('x@anywhere.example'))).ok).toBe(true)
  })
})

test("senderPolicy = 'any' lets an authenticated user use any sender", async () => {
  const config = profileDefaults('dev')
  config.hostname = HOSTNAME
  config.smtp.inbound.senderPolicy = 'any'
  const pipeline = f.pipelineWith({}, { config })
  expect((await pipeline.mailFrom(asAnn(), mailFrom('bob@local.test'))).ok).toBe(true)
  expect((await pipeline.mailFrom(asAnn(), mailFrom('someone@remote.example'))).ok).toBe(true)
})
