// The admin panel in a real browser (issue 8 part 3 acceptance): headless Chromium, driven by
// playwright-core, against the compiled binary started from an empty directory (no ui/ folder:
// templates and stylesheet must come from inside the binary). The admin is created with the
// binary's CLI; DNS answers come from a fake DNS server on loopback. Screenshots of every page go
// to test/artifacts/admin-*.png.
import { afterAll, beforeAll, expect, test } from 'bun:test'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { type BrowserContext, chromium, type Page } from 'playwright-core'
import { compiledBinary, freePortFlags, runBinary } from '../support/binary.ts'
import { type FakeDns, startFakeDns } from '../support/fake-dns.ts'

const CHROMIUM = '/usr/bin/chromium'
const HAVE_CHROMIUM = fs.existsSync(CHROMIUM)
if (!HAVE_CHROMIUM) console.warn(`admin-browser.test.ts skipped: ${CHROMIUM} is not installed (CI installs it)`)

const ARTIFACTS = path.resolve(import.meta.dir, '../artifacts')
const HOST = 'mail.example.test'
const DOMAIN = 'example.test'
const ADMIN = 'root'
const PASSWORD = 'browser test password'
const XSS = `<script>alert("xss-1")</script><img src=x onerror="alert('xss-2')">`

let work = ''
let server: ReturnType<typeof Bun.spawn> | undefined
let dns: FakeDns | undefined
let context: BrowserContext | undefined
let base = ''
const dialogs: string[] = []
const pageErrors: string[] = []

async function waitForHttpPort(stateFile: string, proc: { exitCode: number | null }): Promise<number> {
  for (let i = 0; i < 400; i++) {
    if (proc.exitCode !== null) throw new Error(`serve exited early with ${proc.exitCode}`)
    if (fs.existsSync(stateFile))
      return (JSON.parse(fs.readFileSync(stateFile, 'utf8')) as { http: { port: number }[] }).http[0]?.port ?? 0
    await Bun.sleep(50)
  }
  throw new Error('serve did not write its runtime state')
}

beforeAll(async () => {
  if (!HAVE_CHROMIUM) return
  const bin = await compiledBinary()
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'mail-admin-browser-'))
  const dataDir = path.join(work, 'data')
  dns = await startFakeDns({
    [DOMAIN]: { MX: [{ exchange: HOST, priority: 10 }], TXT: ['v=spf1 mx -all'] },
    [HOST]: { A: ['192.0.2.10'] },
  })
  const common = ['--data-dir', dataDir, '--hostname', HOST]
  const added = await runBinary(bin, ['admin', 'add', ADMIN, '--password-stdin', ...common], {
    cwd: work,
    stdin: `${PASSWORD}\n`,
  })
  if (added.code !== 0) throw new Error(`admin add failed: ${added.stderr}`)
  server = Bun.spawn([bin, 'serve', ...common, ...freePortFlags, '--set', `dns.servers=${dns.address}`], {
    cwd: work, // an empty directory: no ui/, no templates beside the binary
    stdout: 'ignore',
    stderr: 'ignore',
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: work },
  })
  base = `http://127.0.0.1:${await waitForHttpPort(path.join(dataDir, 'run/server.json'), server)}`
  fs.mkdirSync(ARTIFACTS, { recursive: true })
  context = await chromium.launchPersistentContext(path.join(work, 'chromium-profile'), {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
}, 180_000)

afterAll(async () => {
  await context?.close()
  if (server) {
    server.kill('SIGTERM')
    await server.exited
  }
  await dns?.close()
  if (work) fs.rmSync(work, { recursive: true, force: true })
})

function watch(page: Page): void {
  // An alert() from injected markup would open a dialog; record and dismiss it.
  page.on('dialog', dialog => {
    dialogs.push(dialog.message())
    void dialog.dismiss()
  })
  page.on('pageerror', error => pageErrors.push(error.message))
  // CSP violations and failed script loads are console errors.
  page.on('console', message => {
    if (message.type() === 'error') pageErrors.push(message.text())
  })
  page.on('response', response => {
    if (response.status() >= 400) pageErrors.push(`${response.status()} ${response.url()}`)
  })
}

/**
 * Browser globals, typed here because the project's TypeScript has no DOM library. Functions
 * given to page.evaluate run in the page (as source: they can use only their parameters), and
 * must be functions: the panel's CSP forbids evaluating strings there.
 */
interface PageGlobals {
  document: { body: unknown; querySelector(selector: string): { textContent: string | null } | null }
  getComputedStyle(element: unknown): { margin: string }
}

const shot = (page: Page, name: string) =>
  page.screenshot({ path: path.join(ARTIFACTS, `admin-${name}.png`), fullPage: true })

const flashText = (page: Page) => page.locator('[data-testid="flash"]').innerText()

test.skipIf(!HAVE_CHROMIUM)(
  'log in, add a domain and an account, see the DNS records, log out; user text stays text',
  async () => {
    const page = await (context as BrowserContext).newPage()
    watch(page)

    // Not signed in: the panel sends the browser to the login form.
    await page.goto(`${base}/admin/domains`)
    expect(new URL(page.url()).pathname).toBe('/admin/login')
    // The embedded stylesheet applied (Tailwind preflight zeroes the body margin; the page background is set).
    const bodyMargin = await page.evaluate(() => {
      const g = globalThis as unknown as PageGlobals
      return g.getComputedStyle(g.document.body).margin
    })
    expect(bodyMargin).toBe('0px')
    await shot(page, '01-login')

    await page.fill('input[name="username"]', ADMIN)
    await page.fill('input[name="password"]', 'not the password')
    await page.click('button[type="submit"]')
    expect(await page.locator('[data-testid="login-error"]').innerText()).toBe('Wrong username or password.')

    await page.fill('input[name="password"]', PASSWORD)
    await page.click('button[type="submit"]')
    expect(new URL(page.url()).pathname).toBe('/admin')
    expect(await page.locator('[data-testid="admin-user"]').innerText()).toBe(ADMIN)
    // The live-counter script runs under the CSP and refreshes the uptime.
    const uptime = await page.locator('[data-live="uptime"]').innerText()
    await page.waitForFunction(
      (before: string) =>
        (globalThis as unknown as PageGlobals).document.querySelector('[data-live="uptime"]')?.textContent !== before,
      uptime,
      { timeout: 15_000 },
    )
    await shot(page, '02-dashboard')

    // Add a domain.
    await page.click('nav >> text=Domains')
    await page.fill('input[name="name"]', DOMAIN)
    await page.click('button:has-text("Add domain")')
    expect(await flashText(page)).toBe(`Added domain ${DOMAIN}. Publish its DNS records next.`)
    await shot(page, '03-domains')

    // Its DNS records, checked against the fake DNS: MX and SPF published, DMARC missing.
    await page.click(`a:has-text("DNS records")`)
    expect(await page.locator('[data-testid="domain-name"]').innerText()).toBe(DOMAIN)
    const status = (type: string, name: string) =>
      page
        .locator(`tr[data-record-type="${type}"][data-record-name="${name}"] [data-testid="dns-status"]`)
        .first()
        .innerText()
    expect(await status('MX', DOMAIN)).toBe('published')
    expect(await status('TXT', DOMAIN)).toBe('published')
    expect(await status('A', HOST)).toBe('published') // no address configured: any A record counts
    expect(await status('TXT', `_dmarc.${DOMAIN}`)).toBe('missing')
    await shot(page, '04-dns-records')

    // Add an account whose display name is an XSS probe.
    await page.click('nav >> text=Accounts')
    await page.fill('input[name="email"]', `ann@${DOMAIN}`)
    await page.fill('input[name="displayName"]', XSS)
    await page.fill('form[action="/admin/accounts"] input[name="password"]', 'ann password 1')
    await page.click('button:has-text("Add account")')
    expect(await flashText(page)).toBe(`Added account ann@${DOMAIN}.`)
    const row = page.locator(`tr[data-account="ann@${DOMAIN}"]`)
    expect(await row.locator('[data-testid="display-name"]').textContent()).toBe(XSS)
    expect(await row.locator('script, img').count()).toBe(0)
    await shot(page, '05-accounts')

    // An alias to it, and the queue page.
    await page.click('nav >> text=Aliases')
    await page.fill('input[name="address"]', `info@${DOMAIN}`)
    await page.fill('input[name="targets"]', `ann@${DOMAIN}`)
    await page.click('button:has-text("Add alias")')
    expect(await flashText(page)).toBe(`Alias info@${DOMAIN} now delivers to ann@${DOMAIN}.`)
    await shot(page, '06-aliases')
    await page.click('nav >> text=Queue')
    expect(await page.locator('h1').innerText()).toBe('Outbound queue')
    await shot(page, '07-queue')

    // Log out: back at the login form, and the panel is closed again.
    await page.click('button:has-text("Log out")')
    expect(new URL(page.url()).pathname).toBe('/admin/login')
    await shot(page, '08-logged-out')
    await page.goto(`${base}/admin/accounts`)
    expect(new URL(page.url()).pathname).toBe('/admin/login')

    expect(dialogs).toEqual([]) // no injected script ran
    expect(pageErrors).toEqual([]) // no CSP violation, no script error
    for (const name of ['01-login', '02-dashboard', '03-domains', '04-dns-records', '05-accounts', '08-logged-out'])
      expect(fs.statSync(path.join(ARTIFACTS, `admin-${name}.png`)).size).toBeGreaterThan(1000)
  },
  60_000,
)
