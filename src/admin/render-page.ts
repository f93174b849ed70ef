// Server-side rendering of the admin pages with stx (shared notes stacks-tooling §1 recipe):
// processDirectives with no default layout, no SEO tags, and the call marked as nested so stx does
// not inline its own stylesheet; the page links the crosswind CSS built by build.ts instead.
import path from 'node:path'
import { neutralizeData, restoreText } from './template-data.ts'
import { type PageName, pages } from './views.ts'

// <project>/ui in development, /$bunfs/root/ui inside the compiled binary.
const UI_ROOT = path.resolve(path.dirname(pages.login), '..')

// stx renders template errors into the page instead of throwing: an ANSI box, `[Error loading
// component …]`, or an HTML comment `<!-- [Foreach Error [1102]] … -->`. Data cannot forge these
// (template-data.ts swaps `[` and `<` is escaped), so a hit is a template bug.
// biome-ignore lint: the escape character is the point
const ERROR_MARKER = /\u001B\[|\[Error |\[Circular |<!-- \[\w+ Error \[\d+\]\]/

export class TemplateError extends Error {
  override name = 'TemplateError'
}

export interface PageRenderer {
  /** The page as HTML; every string in `data` is printed escaped (use `{{ }}` in templates). */
  render(page: PageName, data: Record<string, unknown>): Promise<string>
}

export function createPageRenderer(): PageRenderer {
  const texts = new Map<string, Promise<string>>()
  // Loaded on first use: importing stx costs ~140 ms, which server start-up should not pay.
  let stx: Promise<typeof import('@stacksjs/stx')> | undefined
  let options: Record<string, unknown> | undefined

  return {
    async render(page, data) {
      stx ??= import('@stacksjs/stx')
      const { defaultConfig, processDirectives } = await stx
      options ??= {
        ...defaultConfig,
        layoutsDir: `${UI_ROOT}/layouts`,
        partialsDir: `${UI_ROOT}/partials`,
        componentsDir: `${UI_ROOT}/components`,
        defaultLayout: '', // else a page without @extends is wrapped in layouts/app.stx
        seo: { enabled: false }, // else og:/twitter: placeholder tags are injected
        debug: false,
      }
      const file = pages[page]
      let text = texts.get(file)
      if (!text) {
        text = Bun.file(file).text()
        texts.set(file, text)
      }
      // A fresh context per call (stx mutates it); depth 1 = nested, which skips the crosswind injection.
      const context = { ...neutralizeData(data), __stxProcessingDepth: 1 }
      const html = await processDirectives(await text, context, file, options, new Set())
      const hit = ERROR_MARKER.exec(html)
      if (hit) throw new TemplateError(`${path.basename(file)}: ${html.slice(hit.index, hit.index + 300)}`)
      return restoreText(html)
    },
  }
}
