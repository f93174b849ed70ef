// The admin templates (ui/), imported as files so `bun build --compile` embeds them under
// /$bunfs/root/ui/… (build.ts keeps the folder layout), where stx's @extends/@include find them.
import adminLayout from '../../ui/layouts/admin.stx' with { type: 'file' }
import accounts from '../../ui/pages/accounts.stx' with { type: 'file' }
import aliases from '../../ui/pages/aliases.stx' with { type: 'file' }
import dashboard from '../../ui/pages/dashboard.stx' with { type: 'file' }
import domain from '../../ui/pages/domain.stx' with { type: 'file' }
import domains from '../../ui/pages/domains.stx' with { type: 'file' }
import message from '../../ui/pages/message.stx' with { type: 'file' }
import login from '../../ui/pages/login.stx' with { type: 'file' }
import queue from '../../ui/pages/queue.stx' with { type: 'file' }
import flash from '../../ui/partials/flash.stx' with { type: 'file' }
import nav from '../../ui/partials/nav.stx' with { type: 'file' }

export const pages = { accounts, aliases, dashboard, domain, domains, login, message, queue } as const
export type PageName = keyof typeof pages

/** Every template file, pages and what they pull in. */
export const templateFiles: readonly string[] = [...Object.values(pages), adminLayout, flash, nav]

// Referencing every import keeps it in the bundle: `bun build --compile` drops unreferenced file
// imports, and stx then renders pages without their layout or partials, silently (shared notes §1).
for (const file of templateFiles)
  if (!(await Bun.file(file).exists())) throw new Error(`admin template missing from the build: ${file}`)
