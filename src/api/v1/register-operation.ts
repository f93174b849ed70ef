// Binds an operation (./operation.ts) and its handler to the Hono app: authenticate and check the
// scope, read and validate path, query and body, run the handler, and send the result after the
// response schema has run (so the body is exactly what the OpenAPI document promises and no
// field the schema does not list — a hash, a path — can leak out).
import type { Context, Hono } from 'hono'
import { z } from 'zod'
import type { ApiServices, RequestContext } from './api-services.ts'
import { authenticateRequest } from './authenticate.ts'
import type { OperationInput, OperationResult, OperationSpec } from './operation.ts'
import { readJsonBody, singleQueryValues, validateInput } from './read-input.ts'

export type OperationHandler<O extends OperationSpec> = (
  input: OperationInput<O>,
  context: RequestContext,
) => Promise<OperationResult<O>>

export type HandlersFor<Ops extends Record<string, OperationSpec>> = { [K in keyof Ops]: OperationHandler<Ops[K]> }

/** `/domains/{domain}` → `/domains/:domain`. */
export const honoPath = (template: string): string => template.replace(/\{([A-Za-z0-9_]+)\}/g, ':$1')

export function registerOperation<O extends OperationSpec>(
  app: Hono,
  operation: O,
  handler: OperationHandler<O>,
  services: Pick<ApiServices, 'tokens'>,
): void {
  app.on(operation.method.toUpperCase(), honoPath(operation.path), async (c: Context) => {
    const token =
      operation.scope === 'public'
        ? null
        : await authenticateRequest(c.req.header('authorization'), services.tokens, operation.scope)
    const input = {
      params: operation.params ? validateInput(operation.params, c.req.param(), 'path') : {},
      query: validateInput(operation.query ?? noParameters, singleQueryValues(c.req.url), 'query'),
      body: operation.body ? validateInput(operation.body, await readJsonBody(c.req.raw), 'body') : {},
    } as OperationInput<O>
    const result = await handler(input, { token, actor: token ? `api:${token.id}` : 'api:public' })
    if (operation.status === 204 || !operation.response) return c.body(null, 204)
    const checked = operation.response.safeParse(result)
    if (!checked.success) {
      throw new Error(`${operation.operationId} returned a body its schema rejects: ${checked.error.message}`)
    }
    return c.json(checked.data as object, operation.status)
  })
}

/** Operations without query parameters still refuse unknown ones. */
const noParameters = z.strictObject({})
