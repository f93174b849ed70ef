// The small pieces under the AWS calls: credentials lookup, endpoint overrides, error bodies,
// S3 URL styles, executable checks.
import { afterAll, describe, expect, test } from 'bun:test'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { awsContext } from '../../../src/cloud/aws-context.ts'
import { parseSharedCredentials, resolveCredentials } from '../../../src/cloud/aws-credentials.ts'
import { resolveEndpoints } from '../../../src/cloud/aws-endpoints.ts'
import { parseAwsErrorBody } from '../../../src/cloud/aws-error.ts'
import { assertRunsOn, executableKind } from '../../../src/cloud/executable-check.ts'
import { objectUrl } from '../../../src/cloud/s3-api.ts'
import { childText, listItems, parseXmlRoot } from '../../../src/cloud/xml-elements.ts'

const home = fs.mkdtempSync(path.join(os.tmpdir(), 'aws-home-'))
afterAll(() => fs.rmSync(home, { recursive: true, force: true }))

describe('credentials', () => {
  fs.mkdirSync(path.join(home, '.aws'))
  fs.writeFileSync(
    path.join(home, '.aws', 'credentials'),
    `# comment\n[default]\naws_access_key_id = AKIDDEFAULT\naws_secret_access_key = secretdefault\n\n[profile ops]\nAWS_ACCESS_KEY_ID=AKIDOPS\naws_secret_access_key=secretops\naws_session_token = tok\n[broken]\naws_access_key_id = only\n`,
  )

  test('environment first', () => {
    expect(
      resolveCredentials({ AWS_ACCESS_KEY_ID: 'AKIDENV', AWS_SECRET_ACCESS_KEY: 's', AWS_SESSION_TOKEN: 't' }, home),
    ).toEqual({ accessKeyId: 'AKIDENV', secretAccessKey: 's', sessionToken: 't' })
  })
  test('then the shared file, default profile or AWS_PROFILE', () => {
    expect(resolveCredentials({}, home)).toEqual({ accessKeyId: 'AKIDDEFAULT', secretAccessKey: 'secretdefault' })
    expect(resolveCredentials({ AWS_PROFILE: 'ops' }, home)).toEqual({
      accessKeyId: 'AKIDOPS',
      secretAccessKey: 'secretops',
      sessionToken: 'tok',
    })
  })
  test.each([
    ['an incomplete profile', { AWS_PROFILE: 'broken' }],
    ['an unknown profile', { AWS_PROFILE: 'nope' }],
    ['a missing file', { AWS_SHARED_CREDENTIALS_FILE: path.join(home, 'none') }],
    ['only the key id in the environment', { AWS_ACCESS_KEY_ID: 'x', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent' }],
  ])('%s is a clear error', (_name, env) => {
    expect(() => resolveCredentials(env, home)).toThrow(/no AWS credentials/)
  })
  test('INI parsing ignores comments and keys outside sections', () => {
    expect([...parseSharedCredentials('k=v\n;c\n[a]\nx = 1 = 2\n').entries()].map(([k, v]) => [k, [...v]])).toEqual([
      ['a', [['x', '1 = 2']]],
    ])
  })
})

test('endpoints: explicit > AWS_ENDPOINT_URL_<SERVICE> > AWS_ENDPOINT_URL > public regional', () => {
  const e = resolveEndpoints(
    'eu-west-1',
    { ssm: 'http://127.0.0.1:1/' },
    { AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:2', AWS_ENDPOINT_URL: 'http://127.0.0.1:3' },
  )
  expect(e).toEqual({
    ssm: 'http://127.0.0.1:1',
    s3: 'http://127.0.0.1:2',
    cloudformation: 'http://127.0.0.1:3',
    ec2: 'http://127.0.0.1:3',
  })
  expect(resolveEndpoints('eu-west-1', {}, {}).cloudformation).toBe('https://cloudformation.eu-west-1.amazonaws.com')
})

test('S3 URLs: virtual-hosted on AWS, path-style for dotted buckets and overridden endpoints', () => {
  const creds = { accessKeyId: 'a', secretAccessKey: 'b' }
  const aws = awsContext('eu-west-1', creds, resolveEndpoints('eu-west-1', {}, {}))
  expect(objectUrl(aws, 'bucket', 'deploy/mail server')).toBe(
    'https://bucket.s3.eu-west-1.amazonaws.com/deploy/mail%20server',
  )
  expect(objectUrl(aws, 'my.bucket', 'k')).toBe('https://s3.eu-west-1.amazonaws.com/my.bucket/k')
  const local = awsContext('eu-west-1', creds, resolveEndpoints('eu-west-1', { s3: 'http://127.0.0.1:9000' }, {}))
  expect(objectUrl(local, 'bucket', 'a/b')).toBe('http://127.0.0.1:9000/bucket/a/b')
})

test.each<[string, string, { code: string; message: string }]>([
  [
    'CloudFormation XML',
    '<ErrorResponse><Error><Type>Sender</Type><Code>ValidationError</Code><Message>Stack x does not exist</Message></Error></ErrorResponse>',
    { code: 'ValidationError', message: 'Stack x does not exist' },
  ],
  [
    'S3 XML',
    '<?xml version="1.0"?><Error><Code>NoSuchBucket</Code><Message>gone</Message></Error>',
    { code: 'NoSuchBucket', message: 'gone' },
  ],
  [
    'SSM JSON',
    '{"__type":"com.amazonaws.ssm#InvalidInstanceId","message":"bad id"}',
    { code: 'InvalidInstanceId', message: 'bad id' },
  ],
  [
    'JSON with Message',
    '{"__type":"AccessDeniedException","Message":"no"}',
    { code: 'AccessDeniedException', message: 'no' },
  ],
  ['HTML', '<html>502</html>', { code: 'UnknownError', message: '<html>502</html>' }],
  ['broken JSON', '{"__type":', { code: 'UnknownError', message: '{"__type":' }],
  ['empty', '', { code: 'UnknownError', message: '' }],
])('error body: %s', (_name, body, expected) => {
  expect(parseAwsErrorBody(body)).toEqual(expected)
})

test('XML helpers read query-API answers', () => {
  const root = parseXmlRoot(
    '<R xmlns="http://x"><L><member><K>a</K><V>1</V></member><member><K>b</K></member></L><S><item><n>x</n></item></S></R>',
  )
  expect(listItems(root, 'L').map(m => [childText(m, 'K'), childText(m, 'V')])).toEqual([
    ['a', '1'],
    ['b', undefined],
  ])
  expect(listItems(root, 'S').map(i => childText(i, 'n'))).toEqual(['x'])
  expect(listItems(root, 'Missing')).toEqual([])
})

describe('executable check', () => {
  const elf = (machine: number, littleEndian = true) => {
    const h = new Uint8Array(64)
    h.set([0x7f, 0x45, 0x4c, 0x46, 2, littleEndian ? 1 : 2])
    if (littleEndian) h.set([machine & 0xff, machine >> 8], 18)
    else h.set([machine >> 8, machine & 0xff], 18)
    return h
  }
  test.each<[string, Uint8Array, ReturnType<typeof executableKind>]>([
    ['x86_64 ELF', elf(0x3e), { kind: 'elf', architecture: 'x86_64' }],
    ['arm64 ELF', elf(0xb7), { kind: 'elf', architecture: 'arm64' }],
    ['big-endian ELF', elf(0x3e, false), { kind: 'elf', architecture: 'x86_64' }],
    ['other machine', elf(0x28), { kind: 'elf', architecture: 'machine 0x28' }],
    ['truncated ELF', elf(0x3e).subarray(0, 10), null],
    ['script', new TextEncoder().encode('#!/bin/sh\n'), { kind: 'script' }],
    ['text', new TextEncoder().encode('hello'), null],
    ['empty', new Uint8Array(0), null],
  ])('%s', (_name, head, expected) => {
    expect(executableKind(head)).toEqual(expected)
  })
  test('a build for the wrong CPU is refused with the build command to run', () => {
    expect(() => assertRunsOn(elf(0xb7), 'x86_64', 'dist/mail-server')).toThrow(/--target linux-x64/)
    expect(() => assertRunsOn(new Uint8Array(4), 'x86_64', 'x')).toThrow(/not an executable/)
    expect(() => assertRunsOn(elf(0x3e), 'x86_64', 'x')).not.toThrow()
  })
})
