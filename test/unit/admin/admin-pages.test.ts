// The admin pages through the real HTTP app: each form changes storage as it says, answers
// post/redirect/get with a message, and the pages show what storage holds. DNS answers come from
// a memory resolver; the queue is the real outbound queue.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { type AdminFixture, adminFixture, readable, TestBrowser } from './admin-fixture.ts'

const DOMAIN = 'example.org'

let f: AdminFixture
let browser: TestBrowser
let csrf: string

beforeAll(async () => {
  f = await adminFixture({
    // MX and SPF published as the server wants them; DMARC missing.
    [DOMAIN]: { MX: [{ exchange: 'mail.example.test', priority: 10 }], TXT: ['v=spf1 mx -all'] },
  })
  browser = new TestBrowser(f.app)
  f.signIn(browser)
  csrf = await browser.csrfToken()
})
afterAll(() => f.cleanup())

/** Post a form, follow the 303, and return the message shown on the next page. */
async function submit(path: string, fields: Record<string, string>): Promise<{ flash: string; html: string }> {
  const response = await browser.post(path, { _csrf: csrf, ...fields })
  expect(response.status).toBe(303)
  const html = readable(await (await browser.get(response.headers.get('location') as string)).text())
  const flash = /data-testid="flash">([^<]*)</.exec(html)?.[1] ?? ''
  return { flash, html }
}

const html = async (path: string) => {
  const response = await browser.get(path)
  expect(response.status).toBe(200)
  return readable(await response.text())
}

describe('domains', () => {
  test('add a domain: listed, linked to its DNS records', async () => {
    const { flash, html: page } = await submit('/admin/domains', { name: 'Example.ORG.' })
    expect(flash).toBe(`Added domain ${DOMAIN}. Publish its DNS records next.`)
    expect(page).toContain(`href="/admin/domains/${DOMAIN}">${DOMAIN}</a>`)
    expect((await f.deps.storage.domains.get(DOMAIN))?.name).toBe(DOMAIN)
    const audit = await f.deps.storage.audit.list()
    expect(audit[0]).toMatchObject({ actor: 'admin:root', action: 'domain.create', target: DOMAIN })
  })

  test('a duplicate or malformed domain is an error message, not a 500', async () => {
    expect((await submit('/admin/domains', { name: DOMAIN })).flash).toBe(`domain ${DOMAIN} already exists`)
    expect((await submit('/admin/domains', { name: 'bad_name!.org' })).flash).toStartWith('invalid domain')
  })

  test('the DNS records page badges each record published, missing or different', async () => {
    const page = await html(`/admin/domains/${DOMAIN}`)
    const rows = [...page.matchAll(/<tr data-record-type="(\w+)" data-record-name="([^"]+)">([\s\S]*?)<\/tr>/g)].map(
      m => ({ type: m[1], name: m[2], status: /data-testid="dns-status">([^<]*)</.exec(m[3] ?? '')?.[1] }),
    )
    expect(rows).toContainEqual({ type: 'MX', name: DOMAIN, status: 'published' })
    expect(rows.filter(r => r.name === DOMAIN && r.type === 'TXT')).toEqual([
      { type: 'TXT', name: DOMAIN, status: 'published' },
    ])
    expect(rows).toContainEqual({ type: 'TXT', name: `_dmarc.${DOMAIN}`, status: 'missing' })
    expect(page).toContain(`${DOMAIN}. 3600 IN MX 10 mail.example.test.`)
    // Publish DMARC with another policy: "different".
    f.resolver.setZone({
      [DOMAIN]: { MX: [{ exchange: 'other.example.net', priority: 10 }] },
      [`_dmarc.${DOMAIN}`]: { TXT: ['v=DMARC1; p=none'] },
    })
    const changed = await html(`/admin/domains/${DOMAIN}`)
    expect(changed).toMatch(/data-record-type="MX"[\s\S]*?found: 10 other\.example\.net[\s\S]*?dns-status">different</)
    expect(changed).toMatch(/data-record-name="_dmarc\.example\.org">[\s\S]*?dns-status">different</)
  })

  test('an unknown or malformed domain page is a 404', async () => {
    expect((await browser.get('/admin/domains/not-hosted.example')).status).toBe(404)
    expect((await browser.get('/admin/domains/%3Cscript%3E')).status).toBe(404)
  })

  test('removing needs the confirm box', async () => {
    await submit('/admin/domains', { name: 'spare.example' })
    expect((await submit('/admin/domains/spare.example/delete', {})).flash).toBe(
      `nothing removed: tick the confirm box to remove spare.example`,
    )
    expect(await f.deps.storage.domains.get('spare.example')).not.toBeNull()
    expect((await submit('/admin/domains/spare.example/delete', { confirm: 'yes' })).flash).toBe(
      'Removed domain spare.example.',
    )
    expect(await f.deps.storage.domains.get('spare.example')).toBeNull()
  })
})

describe('accounts', () => {
  let id = 0

  test('add an account', async () => {
    const { flash, html: page } = await submit('/admin/accounts', {
      email: `Ann@${DOMAIN}`,
      displayName: 'Ann Example',
      password: 'first password',
    })
    expect(flash).toBe(`Added account ann@${DOMAIN}.`)
    expect(page).toContain(`<tr data-account="ann@${DOMAIN}">`)
    expect(page).toContain('Ann Example')
    id = (await f.deps.storage.accounts.get(`ann@${DOMAIN}`))?.id ?? 0
    expect(id).toBeGreaterThan(0)
    expect(page).toContain(`action="/admin/accounts/${id}/password"`)
  })

  test('an address in a domain not hosted here is refused with a clear message', async () => {
    expect((await submit('/admin/accounts', { email: 'x@elsewhere.example', password: 'pw' })).flash).toBe(
      'domain elsewhere.example is not hosted here (add it first)',
    )
  })

  test('the domain filter lists only that domain', async () => {
    await submit('/admin/domains', { name: 'other.example' })
    await submit('/admin/accounts', { email: 'zed@other.example', password: 'pw' })
    const filtered = await html('/admin/accounts?domain=other.example')
    expect(filtered).toContain('data-account="zed@other.example"')
    expect(filtered).not.toContain(`data-account="ann@${DOMAIN}"`)
    expect(filtered).toContain('<option value="other.example" selected>')
  })

  test('change the password', async () => {
    expect((await submit(`/admin/accounts/${id}/password`, { password: 'second password' })).flash).toBe(
      `Changed the password of ann@${DOMAIN}.`,
    )
    expect(await f.deps.storage.accounts.verifyCredentials(`ann@${DOMAIN}`, 'second password')).not.toBeNull()
    expect((await submit(`/admin/accounts/${id}/password`, { password: '' })).flash).toBe('the new password is empty')
  })

  test('disable and enable', async () => {
    const disabled = await submit(`/admin/accounts/${id}/disable`, {})
    expect(disabled.flash).toBe(`Disabled ann@${DOMAIN}.`)
    expect((await f.deps.storage.accounts.get(id))?.disabled).toBe(true)
    expect(disabled.html).toContain(`action="/admin/accounts/${id}/enable"`)
    await submit(`/admin/accounts/${id}/enable`, {})
    expect((await f.deps.storage.accounts.get(id))?.disabled).toBe(false)
  })

  test('unknown account ids are an error message', async () => {
    expect((await submit('/admin/accounts/999999/disable', {})).flash).toBe('no such account: 999999')
    expect((await submit('/admin/accounts/abc/delete', { confirm: 'yes' })).flash).toBe('no such account: abc')
  })

  test('delete needs the confirm box, then removes the account', async () => {
    expect((await submit(`/admin/accounts/${id}/delete`, {})).flash).toBe(
      `nothing removed: tick the confirm box to remove ann@${DOMAIN}`,
    )
    expect(await f.deps.storage.accounts.get(id)).not.toBeNull()
    expect((await submit(`/admin/accounts/${id}/delete`, { confirm: 'yes' })).flash).toBe(
      `Deleted ann@${DOMAIN} and its mail.`,
    )
    expect(await f.deps.storage.accounts.get(id)).toBeNull()
  })
})

describe('aliases', () => {
  test('add, list and remove', async () => {
    await submit('/admin/accounts', { email: `bob@${DOMAIN}`, password: 'pw' })
    const added = await submit('/admin/aliases', {
      address: `sales@${DOMAIN}`,
      targets: `bob@${DOMAIN}, x@remote.example`,
    })
    expect(added.flash).toBe(`Alias sales@${DOMAIN} now delivers to bob@${DOMAIN}, x@remote.example.`)
    expect(added.html).toMatch(
      new RegExp(`data-alias="sales@${DOMAIN}">[\\s\\S]*?alias-targets">bob@${DOMAIN}, x@remote.example<`),
    )
    expect((await f.deps.storage.aliases.get(`sales@${DOMAIN}`))?.targets).toEqual([
      `bob@${DOMAIN}`,
      'x@remote.example',
    ])
    const removed = await submit('/admin/aliases/remove', { address: `sales@${DOMAIN}` })
    expect(removed.flash).toBe(`Removed alias sales@${DOMAIN}.`)
    expect(await f.deps.storage.aliases.get(`sales@${DOMAIN}`)).toBeNull()
    expect((await submit('/admin/aliases/remove', { address: `sales@${DOMAIN}` })).flash).toBe(
      `no such alias: sales@${DOMAIN}`,
    )
  })

  test('an alias without targets is refused', async () => {
    expect((await submit('/admin/aliases', { address: `empty@${DOMAIN}`, targets: ' , ' })).flash).toBe(
      'an alias needs at least one target',
    )
  })
})

describe('queue', () => {
  const enqueue = () =>
    f.deps.queue.enqueue({
      sender: `bob@${DOMAIN}`,
      recipients: [{ address: 'carol@remote.example', notify: null, orcpt: null }],
      content: new TextEncoder().encode('Subject: hi\r\n\r\nhello\r\n'),
    })

  test('lists waiting entries; retry makes a deferred entry due now; drop removes it', async () => {
    const entry = await enqueue()
    const page = await html('/admin/queue')
    expect(page).toContain(`<tr data-queue-id="${entry.id}">`)
    expect(page).toContain('carol@remote.example')
    expect((await submit(`/admin/queue/${entry.id}/retry`, {})).flash).toBe(
      `Entry ${entry.id} will be tried again now.`,
    )
    expect((await submit(`/admin/queue/${entry.id}/drop`, {})).flash).toBe(
      `Dropped entry ${entry.id}; it will not be delivered.`,
    )
    expect(await f.deps.queue.get(entry.id)).toBeNull()
    expect(await html('/admin/queue')).not.toContain(entry.id)
  })

  test('retry or drop of an unknown entry is an error message', async () => {
    expect((await submit('/admin/queue/q-nope/retry', {})).flash).toStartWith('queue entry q-nope is not waiting')
    expect((await submit('/admin/queue/q-nope/drop', {})).flash).toStartWith('queue entry q-nope is not waiting')
  })

  test('the dashboard counts the queue', async () => {
    const entry = await enqueue()
    const values = (await (await browser.get('/admin/stats.json')).json()) as Record<string, string>
    expect(values.queue).toBe('1')
    expect(values['queue-detail']).toStartWith('1 queued')
    await f.deps.queue.remove(entry.id)
  })
})

describe('dashboard', () => {
  test('shows certificate expiry, counts, uptime and the metrics counters, summed over labels', async () => {
    const counter = f.deps.metrics.counter('smtp_messages_received_total', 'Messages')
    counter.inc({ port: 'mx' }, 2)
    counter.inc({ port: 'submission' }, 1)
    f.deps.metrics.gauge('imap_connections', 'Open IMAP connections').set(4)
    f.deps.metrics.histogram('delivery_seconds', 'Latency', [1]).observe(0.5)
    const page = await html('/admin')
    expect(page).toMatch(/data-live="metric:smtp_messages_received_total">3</)
    expect(page).toMatch(/data-live="metric:imap_connections">4</)
    expect(page).not.toContain('delivery_seconds') // histograms are left to /metrics
    expect(page).toMatch(/data-testid="certificate-badge">valid \d+ more days</)
    expect(page).toContain('CN=mail.example.test')
    expect(page).toMatch(/data-live="domains">\d+</)
    expect(page).toContain('<script src="/admin/assets/live.')
  })

  test('stats.json carries the live values and follows the clock', async () => {
    const before = (await (await browser.get('/admin/stats.json')).json()) as Record<string, string>
    f.clock.advance(3 * 3_600_000 + 5 * 60_000)
    f.signIn(browser) // the old session has expired meanwhile
    const after = (await (await browser.get('/admin/stats.json')).json()) as Record<string, string>
    expect(after.uptime).not.toBe(before.uptime)
    expect(after.uptime).toMatch(/^3 h \d+ min$/)
    expect(after.disk).toMatch(/B$/)
  })
})

describe('pages in general', () => {
  test('every page sends a strict Content-Security-Policy and no-store', async () => {
    for (const path of ['/admin', '/admin/domains', '/admin/accounts', '/admin/aliases', '/admin/queue']) {
      const response = await browser.get(path)
      expect(response.status).toBe(200)
      expect(response.headers.get('content-security-policy')).toContain("script-src 'self'")
      expect(response.headers.get('content-security-policy')).toContain("default-src 'none'")
      expect(response.headers.get('cache-control')).toBe('no-store')
      expect(response.headers.get('x-frame-options')).toBe('DENY')
      const page = await response.text()
      // Nothing stx would add on its own: no inlined preflight, no SEO placeholders, no inline script.
      expect(page).not.toContain('data-crosswind')
      expect(page).not.toContain('og:title')
      expect(page).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/)
      expect(page).not.toContain('style=')
    }
  })

  test('the stylesheet is served under a content hash, cacheable for a year, with 304 revalidation', async () => {
    const page = await html('/admin')
    const path = /href="(\/admin\/assets\/admin\.([0-9a-f]{12})\.css)"/.exec(page)
    expect(path).not.toBeNull()
    const css = await browser.get(path?.[1] as string)
    expect(css.status).toBe(200)
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8')
    expect(css.headers.get('cache-control')).toBe('public, max-age=31536000, immutable')
    const body = await css.text()
    expect(new Bun.CryptoHasher('sha256').update(body).digest('hex').slice(0, 12)).toBe(path?.[2] as string)
    expect(body).toContain('.bg-slate-900{')
    const again = await browser.request(path?.[1] as string, {
      headers: { 'if-none-match': css.headers.get('etag') ?? '' },
    })
    expect(again.status).toBe(304)
    expect((await browser.get('/admin/assets/admin.000000000000.css')).status).toBe(404)
  })

  test('an unknown page is a 404 page with the navigation', async () => {
    const response = await browser.get('/admin/nothing/here')
    expect(response.status).toBe(404)
    const text = await response.text()
    expect(text).toContain('There is nothing at /admin/nothing/here.')
    expect(text).toContain('href="/admin/queue"')
  })
})
