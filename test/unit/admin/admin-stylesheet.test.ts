// The embedded stylesheet: ui/admin.css must be what build.ts would generate from the current
// templates (else a template edit ships unstyled), and it must hold the classes the panel relies on.
import { expect, test } from 'bun:test'
import path from 'node:path'
import { buildStylesheet, STYLESHEET_PATH } from '../../../src/admin/build-stylesheet.ts'
import { computedClassNames } from '../../../src/admin/class-names.ts'
import { adminAssets } from '../../../src/admin/static-assets.ts'

const ROOT = path.resolve(import.meta.dir, '../../..')

/** `.md\:grid-cols-3{` → the selector text crosswind writes for a class. */
const selector = (name: string) => `.${name.replace(/[:./]/g, m => `\\${m}`)}`

test('ui/admin.css is current (run `bun run build.ts` after changing templates)', async () => {
  const committed = await Bun.file(path.join(ROOT, STYLESHEET_PATH)).text()
  expect(committed).toBe(await buildStylesheet(ROOT))
  expect(adminAssets.stylesheet.body).toBe(committed)
})

test('classes chosen in TypeScript, variants and breakpoints are in the stylesheet', () => {
  const css = adminAssets.stylesheet.body
  for (const name of [...computedClassNames(), 'hover:bg-slate-700', 'underline', 'md:grid-cols-2', 'py-1.5'])
    expect(css).toContain(`${selector(name)}`)
  // Wider breakpoints come later, so they win on wide screens.
  expect(css.indexOf('(min-width: 768px)')).toBeLessThan(css.indexOf('(min-width: 1024px)'))
  expect(css).toContain('Tailwind CSS Preflight')
  expect(css).toContain(':focus-visible') // ui/base.css
})

test('the generated stylesheet does not depend on the working directory', async () => {
  const cwd = process.cwd()
  process.chdir('/')
  try {
    expect(await buildStylesheet(ROOT)).toBe(adminAssets.stylesheet.body)
  } finally {
    process.chdir(cwd)
  }
})
