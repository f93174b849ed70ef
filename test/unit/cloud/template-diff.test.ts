// `cloud diff` offline: property paths per resource, replacement and restart flags, sections.
import { expect, test } from 'bun:test'
import type { CfnTemplate } from '../../../cloud/cfn-types.ts'
import { ID, buildMailStack } from '../../../cloud/mail-stack.ts'
import { type CloudParametersInput, parseCloudParameters } from '../../../cloud/parameters.ts'
import { changedPaths, diffTemplates, formatTemplateDiff } from '../../../src/cloud/template-diff.ts'

const base: CloudParametersInput = { domain: 'example.org', hostedZoneId: 'Z0123456789ABCDEFGHIJ', region: 'eu-west-1' }
const stack = (extra: Partial<CloudParametersInput> = {}) => buildMailStack(parseCloudParameters({ ...base, ...extra }))

test.each<[string, unknown, unknown, string[]]>([
  ['equal scalars', 1, 1, []],
  ['changed scalar', 1, 2, ['(value)']],
  ['number vs string', 300, '300', ['(value)']],
  ['nested key', { a: { b: 1 } }, { a: { b: 2 } }, ['a.b']],
  ['added key', { a: 1 }, { a: 1, b: 2 }, ['b']],
  ['removed key', { a: 1, b: 2 }, { a: 1 }, ['b']],
  ['array element', { l: [1, 2, 3] }, { l: [1, 5, 3] }, ['l[1]']],
  ['array grows', [1], [1, 2], ['[1]']],
  ['key order ignored', { a: 1, b: 2 }, { b: 2, a: 1 }, []],
])('changedPaths: %s', (_name, a, b, expected) => {
  expect(changedPaths(a, b)).toEqual(expected)
})

test('identical templates: no changes', () => {
  const d = diffTemplates(stack(), stack())
  expect(d.hasChanges).toBe(false)
  expect(formatTemplateDiff(d, 'mail')).toBe('stack mail is up to date: no changes\n')
})

test('no deployed stack: everything would be created', () => {
  const d = diffTemplates(null, stack())
  expect(d.stackExists).toBe(false)
  expect(d.resources.every(r => r.action === 'add')).toBe(true)
  expect(formatTemplateDiff(d, 'mail')).toContain('does not exist yet')
})

test('instance type change: modify, restart, no replacement', () => {
  const d = diffTemplates(stack(), stack({ instanceType: 't3.medium' }))
  const instance = d.resources.find(r => r.logicalId === ID.instance)
  expect(instance).toMatchObject({ action: 'modify', replacement: false, interruption: true })
  expect(instance?.paths).toContain('Properties.InstanceType')
  expect(d.resources.map(r => r.logicalId)).toEqual([ID.instance])
})

test('host name change replaces the A record and rewrites the user data', () => {
  const d = diffTemplates(stack(), stack({ hostname: 'mx.example.org' }))
  const a = d.resources.find(r => r.logicalId === 'MailARecord')
  expect(a).toMatchObject({ action: 'modify', replacement: true })
  expect(d.resources.find(r => r.logicalId === ID.instance)?.paths).toContain(
    'Properties.UserData.Fn::Base64.Fn::Sub[0]',
  )
  expect(formatTemplateDiff(d, 'mail')).toContain('~ MailARecord (AWS::Route53::RecordSet)  [REPLACEMENT]')
})

test('key pair change replaces the instance, with a warning', () => {
  const d = diffTemplates(stack(), stack({ keyName: 'ops' }))
  expect(d.resources.find(r => r.logicalId === ID.instance)?.replacement).toBe(true)
  expect(formatTemplateDiff(d, 'mail')).toContain(
    'MailInstance would be replaced (a new instance: back up the mail first)',
  )
})

test('resources and outputs added and removed', () => {
  const before = stack()
  const after: CfnTemplate = structuredClone(stack({ dkim: { selector: 'mail', publicKey: 'AAAA' } }))
  delete after.Outputs?.SecurityGroupId
  const d = diffTemplates(before, after)
  expect(d.resources.find(r => r.logicalId === 'DkimRecord')?.action).toBe('add')
  expect(d.outputs).toEqual([{ name: 'SecurityGroupId', action: 'remove' }])
  const removed = diffTemplates(after, before)
  expect(removed.resources.find(r => r.logicalId === 'DkimRecord')?.action).toBe('remove')
  expect(formatTemplateDiff(removed, 'mail')).toContain('- DkimRecord')
})
