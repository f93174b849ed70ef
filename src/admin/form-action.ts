// Post/redirect/get for the admin forms: run the change, keep a message for the next page, and
// answer 303 so a reload does not post again. Errors the admin can fix (a malformed address, a
// duplicate, an unknown domain) become that message; anything else goes to the error handler.
import type { Context } from 'hono'
import { isMailError, MailError } from '../core/errors.ts'
import type { AdminEnv, AdminServices } from './admin-services.ts'

/** The audit-log actor for the signed-in admin. */
export const adminActor = (c: Context<AdminEnv>) => `admin:${c.get('session').username}`

export async function formAction(
  c: Context<AdminEnv>,
  services: AdminServices,
  back: string,
  change: () => Promise<string>,
): Promise<Response> {
  const sessionId = c.get('session').id
  try {
    services.sessions.setFlash(sessionId, { kind: 'ok', text: await change() })
  } catch (e) {
    if (!isMailError(e) || (e.kind !== 'user' && e.kind !== 'syntax')) throw e
    services.sessions.setFlash(sessionId, { kind: 'error', text: e.message })
  }
  return c.redirect(back, 303)
}

/** Deleting needs the row's "confirm" box ticked (the browser enforces it; this covers other clients). */
export const notConfirmed = (what: string) =>
  new MailError('user', `nothing removed: tick the confirm box to remove ${what}`, { code: 'not_confirmed' })
