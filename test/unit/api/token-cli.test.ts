// `mail-server token create --scope …`: every --scope counts (citty keeps only the last one).
import { expect, test } from 'bun:test'
import { collectScopes } from '../../../src/cli/token.ts'

test.each([
  [['--scope', 'admin'], ['admin']],
  [
    ['--scope', 'read', '--scope', 'write'],
    ['read', 'write'],
  ],
  [['--scope=read,write'], ['read', 'write']],
  [
    ['--scope', ' Read , ADMIN '],
    ['read', 'admin'],
  ],
  [['--name', 'x', '--scope', 'read'], ['read']],
])('collectScopes(%p) = %p', (argv, scopes) => {
  expect(collectScopes(argv)).toEqual(scopes as never)
})

test.each([
  [[], 'give --scope'],
  [['--scope', ''], 'give --scope'],
  [['--scope', 'root'], 'unknown scope "root"'],
  [['--scope', 'read,superuser'], 'unknown scope "superuser"'],
])('collectScopes(%p) is a usage error: %s', (argv, message) => {
  expect(() => collectScopes(argv)).toThrow(message)
})
