// Keeps the project's duplicated facts in step: pantry.jsonc mirrors package.json's scripts, and
// the README's configuration reference is the one generated from the schema.
import { expect, test } from 'bun:test'
import path from 'node:path'
import { configReference } from '../../../src/config/docs.ts'
import { README_REFERENCE_END, README_REFERENCE_START } from '../../../src/config/readme-reference.ts'

const ROOT = path.resolve(import.meta.dir, '../../..')

test('pantry.jsonc carries the same scripts as package.json', async () => {
  const pkg = await Bun.file(path.join(ROOT, 'package.json')).json()
  const pantryText = await Bun.file(path.join(ROOT, 'pantry.jsonc')).text()
  // JSONC: drop whole-line comments before parsing.
  const pantry = JSON.parse(pantryText.replace(/^\s*\/\/.*$/gm, ''))
  expect(pantry.scripts).toEqual(pkg.scripts)
  for (const name of ['dev', 'start', 'build', 'test', 'lint', 'fmt', 'bench']) expect(pkg.scripts[name]).toBeString()
})

test('Bun is pinned exactly to 1.4.5', async () => {
  const pkg = await Bun.file(path.join(ROOT, 'package.json')).json()
  expect(pkg.devDependencies.bun).toBe('1.4.5')
})

test('README configuration reference matches the schema (run `bun run build.ts --docs` to update)', async () => {
  const readme = await Bun.file(path.join(ROOT, 'README.md')).text()
  const start = readme.indexOf(README_REFERENCE_START)
  const end = readme.indexOf(README_REFERENCE_END)
  expect(start).toBeGreaterThan(0)
  expect(end).toBeGreaterThan(start)
  expect(readme.slice(start + README_REFERENCE_START.length, end).trim()).toBe(configReference().trim())
})
