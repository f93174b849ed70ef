// Turns a page name and its data into the HTML response, adding what every page shows: the
// stylesheet link, the navigation with the current section, the signed-in user, the session's
// CSRF token (for the logout form and the page's own forms) and the pending flash message.
import type { Context } from 'hono'
import type { AdminEnv, AdminServices } from './admin-services.ts'
import type { AdminSession } from './admin-sessions.ts'
import { FLASH_CLASSES, NAV_CLASSES } from './class-names.ts'
import { adminAssets } from './static-assets.ts'
import type { PageName } from './views.ts'

export type NavSection = 'dashboard' | 'domains' | 'accounts' | 'aliases' | 'queue'

const NAV: readonly { section: NavSection; label: string; href: string }[] = [
  { section: 'dashboard', label: 'Dashboard', href: '/admin' },
  { section: 'domains', label: 'Domains', href: '/admin/domains' },
  { section: 'accounts', label: 'Accounts', href: '/admin/accounts' },
  { section: 'aliases', label: 'Aliases', href: '/admin/aliases' },
  { section: 'queue', label: 'Queue', href: '/admin/queue' },
]

export interface PageOptions {
  title: string
  section?: NavSection
  status?: 200 | 400 | 403 | 404 | 429 | 500
  /** Load the live-counter script (the dashboard). */
  live?: boolean
}

const assetPaths = { stylesheet: adminAssets.stylesheet.path, liveCounters: adminAssets.liveCounters.path }

/** A page for a signed-in admin. */
export async function sessionPage(
  c: Context<AdminEnv>,
  services: AdminServices,
  page: PageName,
  options: PageOptions,
  data: Record<string, unknown>,
): Promise<Response> {
  const session: AdminSession = c.get('session')
  const flash = services.sessions.takeFlash(session.id)
  const html = await services.renderer.render(page, {
    ...data,
    title: options.title,
    assets: assetPaths,
    live: options.live ?? false,
    signedIn: true,
    username: session.username,
    csrf: session.csrfToken,
    nav: NAV.map(item => ({
      label: item.label,
      href: item.href,
      classes: item.section === options.section ? NAV_CLASSES.current : NAV_CLASSES.other,
    })),
    flash: flash ? { text: flash.text, classes: FLASH_CLASSES[flash.kind] } : null,
  })
  return c.html(html, options.status ?? 200)
}

/** A page shown without a session (login, errors before sign-in). */
export async function publicPage(
  c: Context,
  services: AdminServices,
  page: PageName,
  options: PageOptions,
  data: Record<string, unknown>,
): Promise<Response> {
  const html = await services.renderer.render(page, {
    csrf: '',
    ...data,
    title: options.title,
    assets: assetPaths,
    live: false,
    signedIn: false,
    username: '',
    nav: [],
    flash: null,
  })
  return c.html(html, options.status ?? 200)
}
