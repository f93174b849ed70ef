// zod → JSON Schema for the OpenAPI document. OpenAPI 3.1 uses JSON Schema 2020-12 as its schema
// dialect (OAS 3.1 §4.8.24), which is zod's default target; schemas are inlined (no $defs), since
// a `#/$defs/…` reference inside an OpenAPI document would resolve against the document root.
import { z } from 'zod'

export type JsonSchema = Record<string, unknown>

/** `io: 'input'` for requests (what clients send), `'output'` for responses (what they get). */
export function toJsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const json = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as JsonSchema
  delete json.$schema
  return json
}

/** The properties of an object schema, each with whether it is required (path and query parameters). */
export function objectProperties(
  schema: z.ZodType,
): Array<{ name: string; schema: JsonSchema; required: boolean; description?: string }> {
  const json = toJsonSchema(schema, 'input')
  const properties = (json.properties ?? {}) as Record<string, JsonSchema>
  const required = new Set((json.required ?? []) as string[])
  return Object.entries(properties).map(([name, property]) => {
    const { description, ...rest } = property
    return {
      name,
      schema: rest,
      required: required.has(name),
      ...(typeof description === 'string' ? { description } : {}),
    }
  })
}
