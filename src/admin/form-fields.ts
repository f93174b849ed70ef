// Form posts of the admin pages (application/x-www-form-urlencoded or multipart), as plain strings.
import type { Context } from 'hono'

/** Text fields of the request body; file parts and repeated names beyond the first are ignored. */
export async function formFields(c: Context): Promise<Record<string, string>> {
  const type = c.req.header('content-type') ?? ''
  if (!type.startsWith('application/x-www-form-urlencoded') && !type.startsWith('multipart/form-data')) return {}
  // Hono caches the parsed body, so the CSRF check and the handler read it once.
  const body = await c.req.parseBody()
  const fields: Record<string, string> = {}
  for (const [name, value] of Object.entries(body)) if (typeof value === 'string') fields[name] = value
  return fields
}
