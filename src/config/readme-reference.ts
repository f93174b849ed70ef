// The README's configuration section is generated from the schema between these markers
// (`bun run build.ts --docs` rewrites it; a unit test fails when it is stale).
import { configReference } from './docs.ts'

export const README_REFERENCE_START = '<!-- config-reference:start -->'
export const README_REFERENCE_END = '<!-- config-reference:end -->'

export function withConfigReference(readme: string): string {
  const start = readme.indexOf(README_REFERENCE_START)
  const end = readme.indexOf(README_REFERENCE_END)
  if (start < 0 || end < start) throw new Error('README has no config-reference markers')
  return `${readme.slice(0, start + README_REFERENCE_START.length)}\n\n${configReference().trim()}\n\n${readme.slice(end)}`
}
