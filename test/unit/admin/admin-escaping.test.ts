// User text on the admin pages is printed as text, never as markup or template code: HTML is
// escaped, and stx directives or expressions inside data (which stx 0.2.10 would run inside
// @foreach, see src/admin/template-data.ts) come out literally.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { neutralizeData, neutralizeText, restoreText } from '../../../src/admin/template-data.ts'
import { testPasswordHash } from '../storage/storage-fixture.ts'
import { type AdminFixture, adminFixture, TestBrowser } from './admin-fixture.ts'

/** Text content of an HTML fragment, as a browser decodes it. */
function decodeText(html: string): string {
  return html
    .replace(/&#(\d+);/g, (_, code: string) => String.fromCodePoint(Number(code)))
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
}

// Strings that mean something to HTML, to stx (directives, expressions, bound attributes) or to
// the renderer's error check.
const HOSTILE = [
  '<script>alert("x")</script>',
  '<img src=x onerror=alert(1)>',
  `'"&<>`,
  '{{ csrf }}',
  '{!! csrf !!}',
  '{{{ csrf }}}',
  '@{{ csrf }}',
  "@include('nav')",
  '@if (true)YES@endif',
  '@csrf',
  'ann@csrf.com',
  '@json(accounts)',
  '@endforeach',
  '@endif',
  '@else',
  '@endsection',
  "@section('content')HACK@endsection",
  "@yield('content')",
  '@markdown # hi @endmarkdown',
  '@once x @endonce',
  '@auth x @endauth',
  '@break',
  'x :csrf y',
  ':title',
  'v-if="false"',
  '${csrf}',
  '`tick`',
  '[Error loading component x]',
  '<!-- [Foreach Error [1102]] -->',
  '\u001B[31mred',
  'private \uE000 use \uE003',
  'Zoë Ünicode 💌',
]

describe('template-data', () => {
  test.each(HOSTILE.filter(s => !/[\u0000-\u001F\uE000-\uE0FF]/.test(s)))(
    '%p round-trips through neutralize/restore',
    text => {
      const neutral = neutralizeText(text)
      expect(neutral).not.toMatch(/[@{}:[]/)
      expect(decodeText(restoreText(neutral))).toBe(text)
    },
  )

  test('control characters and the placeholders themselves become U+FFFD', () => {
    expect(decodeText(restoreText(neutralizeText('a\u0000b\u001Bc\uE000d\u007Fe\tf\ng')))).toBe(
      'a\uFFFDb\uFFFDc\uFFFDd\uFFFDe\tf\ng',
    )
  })

  test('neutralizeData reaches strings in nested arrays and objects, and leaves other values alone', () => {
    const date = new Date(0)
    expect(neutralizeData({ a: ['x@y', { b: '{c}' }], n: 1, t: true, z: null, date })).toEqual({
      a: ['x\uE000y', { b: '\uE001c\uE002' }],
      n: 1,
      t: true,
      z: null,
      date,
    })
  })
})

describe('admin pages', () => {
  let f: AdminFixture
  let browser: TestBrowser
  let csrf: string

  beforeAll(async () => {
    f = await adminFixture()
    browser = new TestBrowser(f.app)
    f.signIn(browser)
    csrf = await browser.csrfToken()
    await f.deps.storage.domains.add('example.org')
    const passwordHash = await testPasswordHash()
    for (const [i, displayName] of HOSTILE.entries())
      await f.deps.storage.accounts.create({ email: `user${i}@example.org`, passwordHash, displayName })
  }, 20_000)
  afterAll(() => f.cleanup())

  test('display names in the account table come out exactly as typed', async () => {
    const html = await (await browser.get('/admin/accounts')).text()
    const cells = new Map(
      [...html.matchAll(/<tr data-account="([^"]+)">[\s\S]*?data-testid="display-name">([\s\S]*?)<\/td>/g)].map(m => [
        decodeText(m[1] as string),
        decodeText(m[2] as string),
      ]),
    )
    for (const [i, text] of HOSTILE.entries()) {
      const expected = text.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\uE000-\uE004]/g, '\uFFFD')
      expect(cells.get(`user${i}@example.org`)).toBe(expected)
    }
    expect(html).not.toContain('<script>alert')
    expect(html).not.toContain('<img src=x')
    expect(html).not.toContain('name="_token"') // stx's @csrf never ran
    expect(html).not.toContain('__stx_') // no bound attribute was made from data
    // The token appears in the forms' hidden fields only: 3 per account row, plus logout and the add form.
    expect(html.split(csrf).length - 1).toBe(HOSTILE.length * 3 + 2)
  })

  test('text typed into a form and echoed in a message is escaped', async () => {
    const response = await browser.post('/admin/domains', { _csrf: csrf, name: '<script>alert(1)</script>.org' })
    expect(response.status).toBe(303)
    const html = await (await browser.get('/admin/domains')).text()
    const flash = /data-testid="flash">([^<]*)</.exec(html)?.[1] ?? ''
    expect(decodeText(flash)).toStartWith('invalid domain "<script>alert(1)</script>.org"')
    expect(html).not.toContain('<script>alert')
  })

  test('the name typed on the login form is echoed escaped', async () => {
    const anonymous = new TestBrowser(f.app)
    const token = await anonymous.csrfToken('/admin/login')
    const html = await (
      await anonymous.post('/admin/login', { _csrf: token, username: '"><script>alert(1)</script>', password: 'x' })
    ).text()
    expect(html).toContain('value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"')
    expect(html).not.toContain('<script>alert')
  })
})
