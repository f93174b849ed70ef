// Schema issues, reworded per key: the dotted path, what the key accepts (from the schema), the
// value that was given, and where it came from.
import type { Issue, SchemaError } from './schema-builder.ts'
import type { ConfigIssue } from './config-error.ts'
import type { ConfigValues } from './config-values.ts'
import type { ConfigKeys } from './schema-leaves.ts'

const show = (value: unknown): string => (value === undefined ? 'nothing' : JSON.stringify(value))

function messageFor(issue: Issue, expectation: string, value: unknown): string {
  // Custom regex messages from the schema ("not a valid host name") already say what is wrong.
  if (issue.code === 'invalid_format' && issue.format === 'regex') return `${issue.message}, got ${show(value)}`
  return `expected ${expectation}, got ${show(value)}`
}

export function issuesFromSchema(error: SchemaError, values: ConfigValues, keys: ConfigKeys): ConfigIssue[] {
  return error.issues.map(issue => {
    const names = issue.path.filter((p): p is string => typeof p === 'string')
    const key = names.join('.')
    const index = issue.path.find((p): p is number => typeof p === 'number')
    const leaf = keys.leaf(key)
    const sourced = values.get(key)
    const source = sourced?.source ?? 'default'
    if (!leaf) return { key, source, message: issue.message }
    if (index !== undefined && Array.isArray(sourced?.value)) {
      const element = (sourced.value as unknown[])[index]
      return {
        key: `${key}[${index}]`,
        source,
        message: messageFor(issue, leaf.elementExpectation ?? leaf.expectation, element),
      }
    }
    return { key, source, message: messageFor(issue, leaf.expectation, sourced?.value) }
  })
}
