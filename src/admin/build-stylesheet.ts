// Builds the admin stylesheet (ui/admin.css) with crosswind at build time: the utilities used by
// the templates (plus the safelist of classes chosen in TypeScript), Tailwind's preflight, and
// ui/base.css. build.ts runs this before `bun build --compile`; src/admin/stylesheet.ts embeds the
// result. crosswind's own build() scans globs relative to the working directory in file-system
// order; this scans in sorted order so the output is the same on every machine.
// Build-time only: the server never imports crosswind.
import { rename, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { CSSGenerator, defaultConfig, Scanner } from '@cwcss/crosswind'
import { stylesheetConfig } from '../../ui/stylesheet.config.ts'

/** Where the generated stylesheet lives, relative to the project root. */
export const STYLESHEET_PATH = 'ui/admin.css'

const HEADER =
  '/* Generated from ui/*.stx and ui/base.css by build.ts (src/admin/build-stylesheet.ts). Do not edit. */\n'

// crosswind emits one @media block per breakpoint in the order it first meets them; a wider
// breakpoint must come later so that `md:grid-cols-3 lg:grid-cols-6` gives 6 columns on wide screens.
const BREAKPOINTS = ['sm', 'md', 'lg', 'xl', '2xl']
const breakpointRank = (name: string) =>
  BREAKPOINTS.indexOf(name.split(':').find(p => BREAKPOINTS.includes(p)) ?? '') + 1
const byBreakpoint = (a: string, b: string) => breakpointRank(a) - breakpointRank(b) || (a < b ? -1 : a > b ? 1 : 0)

/** The stylesheet for the templates under `root` (the project directory). */
export async function buildStylesheet(root: string): Promise<string> {
  const templates = [...new Bun.Glob(stylesheetConfig.templates).scanSync({ cwd: root })].sort()
  if (templates.length === 0) throw new Error(`no templates match ${stylesheetConfig.templates} under ${root}`)
  const scanner = new Scanner([])
  const classes = new Set<string>(stylesheetConfig.safelist)
  for (const file of templates)
    for (const name of scanner.scanContent(await Bun.file(path.join(root, file)).text())) classes.add(name)
  const generator = new CSSGenerator({ ...defaultConfig, content: [], safelist: [], minify: true })
  for (const name of [...classes].sort(byBreakpoint)) generator.generate(name)
  const base = await Bun.file(path.join(root, stylesheetConfig.baseCss)).text()
  return `${HEADER}${generator.toCSS(true, true)}\n${base}`
}

/**
 * Regenerate ui/admin.css when the templates changed it. The file is replaced atomically (other
 * builds and tests may read it at the same moment). Returns true when it was rewritten.
 */
export async function writeStylesheet(root: string): Promise<boolean> {
  const target = path.join(root, STYLESHEET_PATH)
  const css = await buildStylesheet(root)
  const file = Bun.file(target)
  if ((await file.exists()) && (await file.text()) === css) return false
  const temporary = `${target}.${process.pid}.tmp`
  await writeFile(temporary, css)
  await rename(temporary, target)
  return true
}
