// Sign-in, sessions, CSRF and throttling of the admin panel, through the real HTTP app with
// app.request() (no sockets): issue 8 part 3 acceptance, unit half.
import { afterEach, beforeEach, describe, expect, test } from 'bun:test'
import { eq } from 'drizzle-orm'
import { adminSessions } from '../../../src/storage/db/schema-admin.ts'
import {
  ADMIN_PASSWORD,
  ADMIN_USER,
  type AdminFixture,
  adminFixture,
  FAILURES_BEFORE_THROTTLE,
  TestBrowser,
} from './admin-fixture.ts'

let f: AdminFixture
let browser: TestBrowser

beforeEach(async () => {
  f = await adminFixture()
  browser = new TestBrowser(f.app)
})
afterEach(() => f.cleanup())

const PAGES = ['/admin', '/admin/', '/admin/domains', '/admin/domains/example.org', '/admin/accounts', '/admin/aliases']
const MORE_PAGES = ['/admin/queue', '/admin/stats.json', '/admin/no-such-page']
const ACTIONS = [
  '/admin/logout',
  '/admin/domains',
  '/admin/domains/example.org/delete',
  '/admin/accounts',
  '/admin/accounts/1/password',
  '/admin/accounts/1/disable',
  '/admin/accounts/1/enable',
  '/admin/accounts/1/delete',
  '/admin/aliases',
  '/admin/aliases/remove',
  '/admin/queue/q1/retry',
  '/admin/queue/q1/drop',
]

describe('without a session', () => {
  test.each([...PAGES, ...MORE_PAGES])('GET %s redirects (302) to the login form', async path => {
    const response = await browser.get(path)
    expect(response.status).toBe(302)
    expect(response.headers.get('location')).toBe('/admin/login')
  })

  test.each(ACTIONS)('POST %s redirects to the login form and changes nothing', async path => {
    const response = await browser.post(path, { name: 'example.org', _csrf: 'x' })
    expect(response.status).toBe(302)
    expect(response.headers.get('location')).toBe('/admin/login')
    expect(await f.deps.storage.domains.list()).toEqual([])
  })

  test('a made-up session cookie is not a session (and is cleared)', async () => {
    browser.cookies.set('mail_admin_session', 'made-up-token')
    const response = await browser.get('/admin')
    expect(response.status).toBe(302)
    expect(browser.cookies.has('mail_admin_session')).toBe(false)
  })

  test('the login form and the stylesheet need no session', async () => {
    const login = await browser.get('/admin/login')
    expect(login.status).toBe(200)
    const html = await login.text()
    expect(html).toContain('name="password"')
    const css = /href="(\/admin\/assets\/admin\.[0-9a-f]{12}\.css)"/.exec(html)?.[1]
    expect(css).toBeString()
    expect((await browser.get(css as string)).status).toBe(200)
  })
})

describe('signing in', () => {
  test('the right password opens a session: HttpOnly, SameSite=Strict, Path=/admin cookie, 303 to the dashboard', async () => {
    const token = await browser.csrfToken('/admin/login')
    const response = await browser.post('/admin/login', {
      _csrf: token,
      username: ADMIN_USER,
      password: ADMIN_PASSWORD,
    })
    expect(response.status).toBe(303)
    expect(response.headers.get('location')).toBe('/admin')
    const cookie = response.headers.getSetCookie().find(c => c.startsWith('mail_admin_session='))
    expect(cookie).toMatch(/HttpOnly/)
    expect(cookie).toMatch(/SameSite=Strict/)
    expect(cookie).toMatch(/Path=\/admin(;|$)/)
    expect(cookie).not.toMatch(/Secure/) // plain HTTP here
    const dashboard = await browser.get('/admin')
    expect(dashboard.status).toBe(200)
    expect(await dashboard.text()).toContain(`data-testid="admin-user">${ADMIN_USER}<`)
  })

  test('over TLS the session cookie is Secure', async () => {
    const login = await f.app.request('https://admin.test/admin/login')
    const loginCookie = login.headers.getSetCookie().join('\n')
    expect(loginCookie).toMatch(/Secure/)
    const token = /name="_csrf" value="([^"]*)"/.exec(await login.text())?.[1] ?? ''
    const response = await f.app.request('https://admin.test/admin/login', {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        origin: 'https://admin.test',
        cookie: `mail_admin_login=${token}`,
      },
      body: new URLSearchParams({ _csrf: token, username: ADMIN_USER, password: ADMIN_PASSWORD }),
    })
    expect(response.status).toBe(303)
    expect(response.headers.getSetCookie().find(c => c.startsWith('mail_admin_session='))).toMatch(/; Secure/)
  })

  test('the username is case-insensitive', async () => {
    expect((await browser.login(ADMIN_USER.toUpperCase())).status).toBe(303)
  })

  test.each([
    ['wrong password', ADMIN_USER, 'not the password'],
    ['unknown user', 'nobody', ADMIN_PASSWORD],
    ['empty password', ADMIN_USER, ''],
  ])('%s: no session, the form again with an error', async (_, username, password) => {
    const response = await browser.login(username, password)
    expect(response.status).toBe(200)
    const html = await response.text()
    expect(html).toContain('Wrong username or password.')
    expect(html).toContain(`value="${username}"`) // the typed name is kept, the password is not
    expect(browser.cookies.has('mail_admin_session')).toBe(false)
    expect((await browser.get('/admin')).status).toBe(302)
  })

  test('the session row holds a digest of the cookie token, never the token', async () => {
    expect((await browser.login()).status).toBe(303)
    const token = browser.cookies.get('mail_admin_session') as string
    const rows = f.deps.storage.db.select().from(adminSessions).all()
    expect(rows).toHaveLength(1)
    expect(rows[0]?.id).not.toBe(token)
    expect(rows[0]?.id).toBe(new Bun.CryptoHasher('sha256').update(token).digest('hex'))
  })

  test('a session token planted before sign-in is replaced (no session fixation)', async () => {
    browser.cookies.set('mail_admin_session', 'planted-by-an-attacker')
    expect((await browser.login()).status).toBe(303)
    const issued = browser.cookies.get('mail_admin_session')
    expect(issued).not.toBe('planted-by-an-attacker')
    expect(issued).toMatch(/^[A-Za-z0-9_-]{43}$/)
  })

  test('a signed-in admin opening the login form goes to the dashboard', async () => {
    f.signIn(browser)
    const response = await browser.get('/admin/login')
    expect(response.status).toBe(302)
    expect(response.headers.get('location')).toBe('/admin')
  })
})

describe('login throttling', () => {
  test(`after ${FAILURES_BEFORE_THROTTLE} failures further tries are refused with 429, even with the right password`, async () => {
    for (let i = 0; i < FAILURES_BEFORE_THROTTLE; i++)
      expect((await browser.login(ADMIN_USER, `wrong ${i}`)).status).toBe(200)
    const refused = await browser.login()
    expect(refused.status).toBe(429)
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(await refused.text()).toContain('Too many failed sign-ins')
    expect(browser.cookies.has('mail_admin_session')).toBe(false)
    // The client address is throttled too (app.request() has no peer address: one shared key),
    // so guessing other names from it is refused without a password check.
    expect((await new TestBrowser(f.app).login('another-name', 'guess')).status).toBe(429)
    // Back-off over: the right password works again.
    f.clock.advance(60_000)
    expect((await browser.login()).status).toBe(303)
  })
})

describe('CSRF', () => {
  test('the login form needs its double-submit token', async () => {
    await browser.get('/admin/login')
    const missing = await browser.post('/admin/login', { username: ADMIN_USER, password: ADMIN_PASSWORD })
    expect(missing.status).toBe(403)
    const wrong = await browser.post('/admin/login', {
      _csrf: 'forged',
      username: ADMIN_USER,
      password: ADMIN_PASSWORD,
    })
    expect(wrong.status).toBe(403)
    expect(browser.cookies.has('mail_admin_session')).toBe(false)
  })

  test.each([
    ['missing', {}],
    ['empty', { _csrf: '' }],
    ['wrong', { _csrf: 'A'.repeat(43) }],
  ])('%s token on a signed-in form: 403 and nothing changes', async (_, token) => {
    f.signIn(browser)
    const response = await browser.post('/admin/domains', { name: 'csrf.example', ...token })
    expect(response.status).toBe(403)
    expect(await response.text()).toContain('Request refused')
    expect(await f.deps.storage.domains.list()).toEqual([])
  })

  test("another session's token is refused", async () => {
    const other = new TestBrowser(f.app)
    f.signIn(other)
    const foreign = await other.csrfToken()
    f.signIn(browser)
    expect((await browser.post('/admin/domains', { name: 'csrf.example', _csrf: foreign })).status).toBe(403)
    expect(await f.deps.storage.domains.list()).toEqual([])
  })

  test('the right token from another origin is refused', async () => {
    f.signIn(browser)
    const token = await browser.csrfToken()
    const response = await browser.post(
      '/admin/domains',
      { name: 'csrf.example', _csrf: token },
      { origin: 'https://evil.example' },
    )
    expect(response.status).toBe(403)
    expect(await f.deps.storage.domains.list()).toEqual([])
  })

  test('the right token is accepted (the same request without it was refused above)', async () => {
    f.signIn(browser)
    const token = await browser.csrfToken()
    const response = await browser.post('/admin/domains', { name: 'csrf.example', _csrf: token })
    expect(response.status).toBe(303)
    expect((await f.deps.storage.domains.list()).map(d => d.name)).toEqual(['csrf.example'])
  })
})

describe('session end', () => {
  test('30 minutes without a request end the session', async () => {
    f.signIn(browser)
    f.clock.advance(29 * 60_000)
    expect((await browser.get('/admin')).status).toBe(200) // activity renews the idle timer
    f.clock.advance(29 * 60_000)
    expect((await browser.get('/admin')).status).toBe(200)
    f.clock.advance(30 * 60_000)
    const expired = await browser.get('/admin')
    expect(expired.status).toBe(302)
    expect(expired.headers.get('location')).toBe('/admin/login')
    expect(f.deps.storage.db.select().from(adminSessions).all()).toHaveLength(0)
  })

  test('12 hours after sign-in the session ends however active it is', async () => {
    f.signIn(browser)
    for (let t = 0; t < 12 * 60; t += 20) {
      expect((await browser.get('/admin/aliases')).status).toBe(200)
      f.clock.advance(20 * 60_000)
    }
    expect((await browser.get('/admin/aliases')).status).toBe(302)
  })

  test('logout ends the session: the old cookie no longer works', async () => {
    f.signIn(browser)
    const token = browser.cookies.get('mail_admin_session') as string
    const csrf = await browser.csrfToken()
    const out = await browser.post('/admin/logout', { _csrf: csrf })
    expect(out.status).toBe(303)
    expect(out.headers.get('location')).toBe('/admin/login?signed-out')
    expect(browser.cookies.has('mail_admin_session')).toBe(false)
    expect(await (await browser.get('/admin/login?signed-out')).text()).toContain('You are signed out.')
    // Replaying the old cookie (a copy an attacker kept) gets nowhere.
    const replay = new TestBrowser(f.app)
    replay.cookies.set('mail_admin_session', token)
    expect((await replay.get('/admin')).status).toBe(302)
    const rows = f.deps.storage.db
      .select()
      .from(adminSessions)
      .where(eq(adminSessions.id, new Bun.CryptoHasher('sha256').update(token).digest('hex')))
      .all()
    expect(rows).toHaveLength(0)
  })

  test('logout needs the CSRF token (a forged logout is refused)', async () => {
    f.signIn(browser)
    expect((await browser.post('/admin/logout', {})).status).toBe(403)
    expect((await browser.get('/admin')).status).toBe(200)
  })
})
