// Schemas shared by every resource: the error body, pagination, times and addresses on the wire.
import { z } from 'zod'

/** Every error answer: `{"error":{"code":"unknown_domain","message":"…","details":…}}`. */
export const errorBodySchema = z.object({
  error: z.object({
    code: z.string().describe('Stable machine-readable code, e.g. `unknown_domain`, `invalid_request`'),
    message: z.string().describe('Human-readable explanation'),
    details: z.unknown().optional().describe('Extra data, e.g. the failing fields of a validation error'),
  }),
})
export type ErrorBody = z.infer<typeof errorBodySchema>

export const DEFAULT_PAGE_SIZE = 100
export const MAX_PAGE_SIZE = 500

/** Query parameters of every list operation. */
export const pageQueryShape = {
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_PAGE_SIZE)
    .default(DEFAULT_PAGE_SIZE)
    .describe(`Items per page (1–${MAX_PAGE_SIZE})`),
  cursor: z.string().min(1).max(512).optional().describe('`nextCursor` of the previous page; omit for the first page'),
}

/** A page of a list: `nextCursor` is null on the last page. */
export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({
    items: z.array(item),
    nextCursor: z.string().nullable().describe('Pass as `cursor` for the next page; null on the last page'),
  })

/** `true`/`false` in a query string (z.coerce.boolean would read "false" as true). */
export const queryBoolean = (description: string) =>
  z
    .enum(['true', 'false'])
    .optional()
    .transform(v => v === 'true')
    .describe(description)

/** Times go out as RFC 3339 strings in UTC (`2025-01-31T12:00:00.000Z`). */
export const isoTime = (description: string) => z.iso.datetime().describe(description)

export const domainName = z.string().min(1).max(253).describe('Domain name (IDN allowed; stored as punycode)')
export const mailAddress = z.string().min(3).max(254).describe('Mail address, local@domain')
