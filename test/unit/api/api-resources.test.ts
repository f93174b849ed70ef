// The /api/v1 resources through app.request(): domains, accounts, aliases, DNS records with their
// live check, the outbound queue, DKIM keys, status, stats and tokens — checked against storage.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from 'bun:test'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import type { DkimKeySource } from '../../../src/domains/dkim-key-source.ts'
import { accountMaildirPath } from '../../../src/storage/maildir/maildir-path.ts'
import { type ApiFixture, HOST, startApiFixture } from './support/api-fixture.ts'

const DKIM_VALUE = 'v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo='
const dkimKeys: DkimKeySource = {
  published: async domain => [
    {
      domain,
      selector: 'k1',
      algorithm: 'ed25519-sha256',
      dnsValue: DKIM_VALUE,
      createdAt: 1_700_000_000_000,
      active: true,
    },
  ],
  list: async domain =>
    ['example.test', 'other.test']
      .filter(d => domain === undefined || d === domain)
      .map(d => ({
        domain: d,
        selector: 'k1',
        algorithm: 'ed25519-sha256',
        dnsValue: DKIM_VALUE,
        createdAt: null,
        active: d === 'example.test',
      })),
}

// Argon2id hashes (account create, set password, login checks) take ~150 ms each, seconds when the
// machine is busy: the suite runner's per-test limit, not bun's 5 s default.
setDefaultTimeout(20_000)

let f: ApiFixture
let admin: string
beforeAll(async () => {
  f = await startApiFixture({ dkimKeys })
  admin = await f.token(['admin'])
})
afterAll(() => f.close())

async function json<T = Record<string, unknown>>(response: Response, status: number): Promise<T> {
  const text = await response.text()
  expect([response.status, text.slice(0, 300)]).toEqual([status, text.slice(0, 300)])
  return JSON.parse(text) as T
}

const call = (method: string, path: string, body?: unknown) => f.call(method, `/api/v1${path}`, { token: admin, body })

describe('domains', () => {
  test('create, get, update, list with pagination, delete', async () => {
    const created = await json(await call('POST', '/domains', { name: 'Example.TEST' }), 201)
    expect(created).toEqual({
      name: 'example.test',
      enabled: true,
      catchAll: null,
      createdAt: '2026-01-15T12:00:00.000Z',
    })
    await json(await call('POST', '/domains', { name: 'bücher.test' }), 201)
    await json(await call('POST', '/domains', { name: 'zeta.test' }), 201)
    const dup = await json<{ error: { code: string } }>(await call('POST', '/domains', { name: 'example.test' }), 409)
    expect(dup.error.code).toBe('duplicate_domain')

    expect(await json(await call('GET', '/domains/EXAMPLE.test'), 200)).toMatchObject({ name: 'example.test' })
    expect((await json<{ error: { code: string } }>(await call('GET', '/domains/nope.test'), 404)).error.code).toBe(
      'unknown_domain',
    )

    const updated = await json(await call('PATCH', '/domains/example.test', { enabled: false }), 200)
    expect(updated.enabled).toBe(false)
    expect((await f.storage.domains.get('example.test'))?.enabled).toBe(false)
    await json(await call('PATCH', '/domains/example.test', { enabled: true }), 200)
    const empty = await json<{ error: { message: string } }>(await call('PATCH', '/domains/example.test', {}), 400)
    expect(empty.error.message).toContain('give enabled or catchAll')

    const names: string[] = []
    let cursor: string | null = null
    let pages = 0
    do {
      const page: { items: { name: string }[]; nextCursor: string | null } = await json(
        await call('GET', `/domains?limit=2${cursor ? `&cursor=${cursor}` : ''}`),
        200,
      )
      names.push(...page.items.map(d => d.name))
      cursor = page.nextCursor
      pages++
    } while (cursor)
    expect(names).toEqual(['example.test', 'xn--bcher-kva.test', 'zeta.test'])
    expect(pages).toBe(2)

    expect((await call('DELETE', '/domains/zeta.test')).status).toBe(204)
    expect(await f.storage.domains.get('zeta.test')).toBeNull()
  })

  test('a catch-all that cannot be set leaves no domain behind', async () => {
    const error = await json<{ error: { code: string } }>(
      await call('POST', '/domains', { name: 'half.test', catchAll: 'nobody@half.test' }),
      400,
    )
    expect(error.error.code).toBe('unknown_target')
    expect(await f.storage.domains.get('half.test')).toBeNull()
  })
})

describe('accounts', () => {
  test('create with a password: the account logs in with it', async () => {
    const created = await json<{ account: Record<string, unknown>; generatedPassword?: string }>(
      await call('POST', '/accounts', {
        email: 'Ann@Example.test',
        password: 'correct horse',
        displayName: 'Ann',
        quotaBytes: 1000,
      }),
      201,
    )
    expect(created.generatedPassword).toBeUndefined()
    expect(created.account).toMatchObject({
      email: 'ann@example.test',
      domain: 'example.test',
      displayName: 'Ann',
      quotaBytes: 1000,
      disabled: false,
    })
    expect(await f.storage.accounts.verifyCredentials('ann@example.test', 'correct horse')).not.toBeNull()
    const dup = await json<{ error: { code: string } }>(
      await call('POST', '/accounts', { email: 'ann@example.test', password: 'another one' }),
      409,
    )
    expect(dup.error.code).toBe('duplicate_account')
    const noDomain = await json<{ error: { code: string } }>(
      await call('POST', '/accounts', { email: 'x@nowhere.test', password: 'another one' }),
      404,
    )
    expect(noDomain.error.code).toBe('unknown_domain')
  })

  test('create with a generated password, which is returned once and works', async () => {
    const created = await json<{ generatedPassword: string }>(
      await call('POST', '/accounts', { email: 'bob@example.test', generatePassword: true }),
      201,
    )
    expect(created.generatedPassword).toMatch(/^\S{20}$/)
    expect(await f.storage.accounts.verifyCredentials('bob@example.test', created.generatedPassword)).not.toBeNull()
    const shown = await json(await call('GET', '/accounts/bob@example.test'), 200)
    expect(JSON.stringify(shown)).not.toContain(created.generatedPassword)
  })

  test('get shows usage; update changes quota, name and disabled', async () => {
    const shown = await json(await call('GET', '/accounts/ann%40example.test'), 200)
    expect(shown).toMatchObject({ email: 'ann@example.test', usage: { messages: 0, bytes: 0 } })
    const updated = await json(
      await call('PATCH', '/accounts/ann@example.test', { quotaBytes: null, displayName: 'Ann B', disabled: true }),
      200,
    )
    expect(updated).toMatchObject({ quotaBytes: null, displayName: 'Ann B', disabled: true })
    expect(await f.storage.accounts.get('ann@example.test')).toMatchObject({
      quotaBytes: null,
      displayName: 'Ann B',
      disabled: true,
    })
    await json(await call('PATCH', '/accounts/ann@example.test', { disabled: false }), 200)
    expect((await f.storage.accounts.get('ann@example.test'))?.disabled).toBe(false)
    expect(
      (await json<{ error: { code: string } }>(await call('GET', '/accounts/nobody@example.test'), 404)).error.code,
    ).toBe('unknown_account')
  })

  test('set password: given or generated', async () => {
    expect(
      await json(await call('PUT', '/accounts/ann@example.test/password', { password: 'battery staple' }), 200),
    ).toEqual({
      email: 'ann@example.test',
    })
    expect(await f.storage.accounts.verifyCredentials('ann@example.test', 'battery staple')).not.toBeNull()
    const generated = await json<{ generatedPassword: string }>(
      await call('PUT', '/accounts/ann@example.test/password', { generatePassword: true }),
      200,
    )
    expect(await f.storage.accounts.verifyCredentials('ann@example.test', generated.generatedPassword)).not.toBeNull()
  })

  test('list filters by domain and pages by cursor', async () => {
    const page1 = await json<{ items: { email: string }[]; nextCursor: string }>(
      await call('GET', '/accounts?limit=1&domain=example.test'),
      200,
    )
    expect(page1.items.map(a => a.email)).toEqual(['ann@example.test'])
    const page2 = await json<{ items: { email: string }[]; nextCursor: string | null }>(
      await call('GET', `/accounts?limit=1&domain=example.test&cursor=${page1.nextCursor}`),
      200,
    )
    expect(page2.items.map(a => a.email)).toEqual(['bob@example.test'])
    expect(page2.nextCursor).toBeNull()
    expect((await json<{ items: unknown[] }>(await call('GET', '/accounts?domain=unknown.test'), 200)).items).toEqual(
      [],
    )
  })

  test('delete removes the mail files unless keepData=true', async () => {
    await json(await call('POST', '/accounts', { email: 'keep@example.test', password: 'password one' }), 201)
    await json(await call('POST', '/accounts', { email: 'gone@example.test', password: 'password two' }), 201)
    const keepDir = accountMaildirPath(f.dir, 'example.test', 'keep')
    const goneDir = accountMaildirPath(f.dir, 'example.test', 'gone')
    expect(existsSync(goneDir)).toBe(true)
    expect((await call('DELETE', '/accounts/keep@example.test?keepData=true')).status).toBe(204)
    expect((await call('DELETE', '/accounts/gone@example.test')).status).toBe(204)
    expect(existsSync(keepDir)).toBe(true)
    expect(existsSync(goneDir)).toBe(false)
    expect(await f.storage.accounts.get('gone@example.test')).toBeNull()
    expect((await call('DELETE', '/accounts/gone@example.test')).status).toBe(404)
  })
})

describe('aliases', () => {
  test('create, add targets, get, list, remove one target, delete', async () => {
    expect(
      await json(await call('POST', '/aliases', { address: 'team@example.test', targets: ['ann@example.test'] }), 201),
    ).toEqual({
      address: 'team@example.test',
      targets: ['ann@example.test'],
    })
    const grown = await json(
      await call('POST', '/aliases', { address: 'team@example.test', targets: ['bob@example.test', 'x@remote.test'] }),
      201,
    )
    expect(grown.targets).toEqual(['ann@example.test', 'bob@example.test', 'x@remote.test'])
    expect(await json(await call('GET', '/aliases/team@example.test'), 200)).toEqual(grown)
    const list = await json<{ items: { address: string }[] }>(await call('GET', '/aliases?domain=example.test'), 200)
    expect(list.items.map(a => a.address)).toEqual(['team@example.test'])

    expect((await call('DELETE', '/aliases/team@example.test/targets/x@remote.test')).status).toBe(204)
    expect((await f.storage.aliases.get('team@example.test'))?.targets).toEqual([
      'ann@example.test',
      'bob@example.test',
    ])
    const missing = await json<{ error: { code: string } }>(
      await call('DELETE', '/aliases/team@example.test/targets/x@remote.test'),
      404,
    )
    expect(missing.error.code).toBe('unknown_alias_target')
    expect((await call('DELETE', '/aliases/team@example.test')).status).toBe(204)
    expect(await f.storage.aliases.get('team@example.test')).toBeNull()
    expect(
      (await json<{ error: { code: string } }>(await call('GET', '/aliases/team@example.test'), 404)).error.code,
    ).toBe('unknown_alias')
  })

  test('an alias cannot take an account address', async () => {
    const error = await json<{ error: { code: string } }>(
      await call('POST', '/aliases', { address: 'ann@example.test', targets: ['bob@example.test'] }),
      409,
    )
    expect(error.error.code).toBe('address_in_use')
  })
})

describe('DNS records', () => {
  test('the list the CLI prints, with the DKIM key from the key source', async () => {
    const dns = await json<{
      hostname: string
      records: { purpose: string; name: string; value: string | null }[]
      notes: string[]
    }>(await call('GET', '/domains/example.test/dns'), 200)
    expect(dns.hostname).toBe(HOST)
    expect(dns.records.find(r => r.purpose === 'dkim')).toMatchObject({
      name: 'k1._domainkey.example.test',
      value: DKIM_VALUE,
    })
    expect(dns.records.find(r => r.purpose === 'host-ipv4')?.value).toBe('192.0.2.10')
    expect(dns.records.filter(r => r.name.startsWith('_') && r.name.includes('._tcp.')).length).toBe(10)
    expect((await call('GET', '/domains/unknown.test/dns')).status).toBe(404)
  })

  test('the live check asks the resolver and marks each record', async () => {
    f.resolver.setZone({
      'example.test': { MX: [{ exchange: HOST, priority: 10 }], TXT: ['v=spf1 a -all'] },
      [HOST]: { A: ['192.0.2.10'] },
      'k1._domainkey.example.test': { TXT: [DKIM_VALUE] },
    })
    f.resolver.fail('_dmarc.example.test', 'ETIMEOUT')
    const check = await json<{
      records: { purpose: string; status: string; found: string[] }[]
      summary: { published: number; missing: number; different: number; error: number }
    }>(await call('GET', '/domains/example.test/dns/check'), 200)
    const status = Object.fromEntries(check.records.map(r => [r.purpose, r.status]))
    expect(status).toMatchObject({
      mx: 'published',
      'host-ipv4': 'published',
      dkim: 'published',
      spf: 'different',
      dmarc: 'error',
      autoconfig: 'missing',
    })
    expect(check.summary.published).toBe(3)
    expect(check.summary.error).toBe(1)
    expect(check.summary.different).toBe(1)
    expect(check.records.length).toBe(
      check.summary.published + check.summary.missing + check.summary.different + check.summary.error,
    )
    f.resolver.clearFailures()
  })
})

describe('queue', () => {
  const enqueue = (to: string) =>
    f.deps.queue.enqueue({
      sender: 'ann@example.test',
      recipients: [{ address: to, notify: null, orcpt: null }],
      content: new TextEncoder().encode('Subject: hi\r\n\r\nbody\r\n'),
    })

  test('list, get, retry, drop', async () => {
    const first = await enqueue('x@remote.test')
    const second = await enqueue('y@elsewhere.test')
    const list = await json<{
      items: { id: string; recipients: unknown[]; domain: string; state: string }[]
      nextCursor: string | null
    }>(await call('GET', '/queue?limit=1'), 200)
    expect(list.items.map(e => e.id)).toEqual([first.id])
    expect(list.items[0]).toMatchObject({
      domain: 'remote.test',
      state: 'queued',
      recipients: [{ address: 'x@remote.test', status: 'pending', diagnostic: null }],
    })
    expect(JSON.stringify(list)).not.toContain(f.dir) // no spool paths
    const next = await json<{ items: { id: string }[] }>(await call('GET', `/queue?cursor=${list.nextCursor}`), 200)
    expect(next.items.map(e => e.id)).toEqual([second.id])
    expect((await json<{ items: unknown[] }>(await call('GET', '/queue?state=deferred'), 200)).items).toEqual([])
    expect((await call('GET', '/queue?state=bogus')).status).toBe(400)

    // A deferred entry due in an hour becomes due now.
    f.deps.storage.db.$client.run(
      `UPDATE outbound_queue SET state = 'deferred', next_attempt_at = ${f.clock.now() + 3_600_000} WHERE id = '${first.id}'`,
    )
    f.clock.advance(1000)
    const retried = await json(await call('POST', `/queue/${first.id}/retry`), 200)
    expect(retried).toMatchObject({
      id: first.id,
      state: 'queued',
      nextAttemptAt: new Date(f.clock.now()).toISOString(),
    })
    f.deps.storage.db.$client.run(`UPDATE outbound_queue SET state = 'delivered' WHERE id = '${second.id}'`)
    expect(
      (await json<{ error: { code: string } }>(await call('POST', `/queue/${second.id}/retry`), 409)).error.code,
    ).toBe('not_retryable')

    expect((await call('DELETE', `/queue/${first.id}`)).status).toBe(204)
    expect(await f.deps.queue.get(first.id)).toBeNull()
    expect((await json<{ error: { code: string } }>(await call('GET', `/queue/${first.id}`), 404)).error.code).toBe(
      'unknown_queue_entry',
    )
    expect((await call('POST', `/queue/${first.id}/retry`)).status).toBe(404)
    expect((await call('DELETE', `/queue/${first.id}`)).status).toBe(404)
  })
})

describe('DKIM, status, stats, tokens', () => {
  test('DKIM keys are listed read-only, per domain or all', async () => {
    const all = await json<{ items: { domain: string; dnsName: string; active: boolean }[] }>(
      await call('GET', '/dkim-keys'),
      200,
    )
    expect(all.items.map(k => [k.domain, k.dnsName, k.active])).toEqual([
      ['example.test', 'k1._domainkey.example.test', true],
      ['other.test', 'k1._domainkey.other.test', false],
    ])
    const one = await json<{ items: unknown[] }>(await call('GET', '/dkim-keys?domain=OTHER.test'), 200)
    expect(one.items).toHaveLength(1)
    expect((await call('POST', '/dkim-keys')).status).toBe(405)
  })

  test('status reports version, uptime and checks; stats count what storage holds', async () => {
    const status = await json(await call('GET', '/status'), 200)
    expect(status).toMatchObject({
      status: 'ok',
      version: '9.9.9-test',
      hostname: HOST,
      profile: 'dev',
      checks: { database: { ok: true } },
    })
    expect(status.uptimeSeconds).toBeGreaterThanOrEqual(90)
    const stats = await json<{
      domains: number
      accounts: number
      aliases: number
      queue: { total: number; byState: Record<string, number> }
    }>(await call('GET', '/stats'), 200)
    expect(stats.domains).toBe((await f.storage.domains.list()).length)
    expect(stats.accounts).toBe((await f.storage.accounts.list()).items.length)
    expect(stats.aliases).toBe((await f.storage.aliases.list()).length)
    expect(stats.queue.total).toBe((await f.deps.queue.list({ includeFinished: true })).length)
    expect(stats.queue.byState.delivered).toBe(1)
  })

  test('tokens: an admin token mints a token (secret once), lists and revokes it', async () => {
    const created = await json<{ token: { id: string; scopes: string[]; expiresAt: string }; secret: string }>(
      await call('POST', '/tokens', { name: 'ci', scopes: ['read'], expiresInDays: 30 }),
      201,
    )
    expect(created.token.scopes).toEqual(['read'])
    expect(created.token.expiresAt).toBe(new Date(f.clock.now() + 30 * 86_400_000).toISOString())
    expect((await f.call('GET', '/api/v1/domains', { token: created.secret })).status).toBe(200)
    const list = await json<{ items: { id: string }[] }>(await call('GET', '/tokens'), 200)
    expect(list.items.map(t => t.id)).toContain(created.token.id)
    expect(JSON.stringify(list)).not.toContain(created.secret)
    expect((await call('DELETE', `/tokens/${created.token.id}`)).status).toBe(204)
    expect((await f.call('GET', '/api/v1/domains', { token: created.secret })).status).toBe(401)
    const withRevoked = await json<{ items: { id: string; revokedAt: string | null }[] }>(
      await call('GET', '/tokens?includeRevoked=true'),
      200,
    )
    expect(withRevoked.items.find(t => t.id === created.token.id)?.revokedAt).not.toBeNull()
    expect((await call('DELETE', '/tokens/tok_unknown')).status).toBe(404)
  })
})

test('the maildir of the data dir is where the test looks', () => {
  expect(existsSync(join(f.dir, 'maildir'))).toBe(true)
})
