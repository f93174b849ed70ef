// Stack parameters: defaults, derived values, TOML file + flags + AWS_REGION layering, and clear
// errors naming each bad key.
import { afterAll, describe, expect, test } from 'bun:test'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {
  instanceArchitecture,
  latestAmiParameter,
  loadCloudParameters,
  parseCloudParameters,
} from '../../../cloud/parameters.ts'
import { isMailError } from '../../../src/core/errors.ts'

const minimal = { domain: 'example.org', hostedZoneId: 'Z0123456789ABCDEFGHIJ', region: 'us-east-1' }
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cloud-params-'))
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

function problems(raw: Record<string, unknown>): string {
  try {
    parseCloudParameters(raw)
  } catch (e) {
    if (isMailError(e)) return e.message
    throw e
  }
  return ''
}

test('defaults follow the seed: t3, AL2023, /opt/mail, mail.service, mail-server user, mail.<domain>', () => {
  const p = parseCloudParameters(minimal)
  expect(p.stackName).toBe('mail')
  expect(p.instanceType).toBe('t3.small')
  expect(p.os).toBe('al2023')
  expect(p.hostname).toBe('mail.example.org')
  expect(p.install).toMatchObject({
    dir: '/opt/mail',
    binaryName: 'mail-server',
    service: 'mail',
    user: 'mail-server',
    envFile: '/etc/mail/mail.env',
    binaryOwner: 'root:root',
  })
  expect(p.deployPrefix).toBe('deploy/')
  expect(p.certificates).toBe('dns-route53')
})

test('upper-case names are lower-cased', () => {
  expect(parseCloudParameters({ ...minimal, domain: 'Example.ORG', hostname: 'MX1.Example.org' })).toMatchObject({
    domain: 'example.org',
    hostname: 'mx1.example.org',
  })
})

describe('bad values name the key', () => {
  test.each<[string, Record<string, unknown>, string]>([
    ['domain without a dot', { domain: 'localhost' }, 'domain:'],
    ['domain with underscore', { domain: 'bad_name.org' }, 'domain:'],
    ['region', { region: 'mars-1' }, 'region:'],
    ['stack name with upper case', { stackName: 'Mail' }, 'stackName:'],
    ['stack name too long for bucket names', { stackName: `m${'x'.repeat(40)}` }, 'stackName:'],
    ['hosted zone id', { hostedZoneId: 'example.org' }, 'hostedZoneId:'],
    ['instance type', { instanceType: 't3' }, 'instanceType:'],
    ['os', { os: 'windows' }, 'os:'],
    ['AMI id', { imageId: 'ami-xyz' }, 'imageId:'],
    ['SSH CIDR', { sshCidr: '0.0.0.0' }, 'sshCidr:'],
    ['root volume too small', { rootVolumeGb: 4 }, 'rootVolumeGb:'],
    ['bucket name', { artifactsBucket: 'Bad..Bucket' }, 'artifactsBucket:'],
    ['bucket name that is an IP', { backupsBucket: '10.0.0.1' }, 'backupsBucket:'],
    ['certificates', { certificates: 'acme' }, 'certificates:'],
    ['DKIM key not base64', { dkim: { selector: 'mail', publicKey: 'not base64!' } }, 'dkim.publicKey:'],
    ['relative install dir', { install: { dir: 'opt/mail' } }, 'install.dir:'],
    ['deploy prefix without slash', { deployPrefix: 'deploy' }, 'deployPrefix:'],
    ['endpoint not a URL', { endpoints: { ssm: 'localhost:4566' } }, 'endpoints.ssm:'],
    ['unknown key', { instanceTyp: 't3.small' }, 'instanceTyp'],
    ['missing hosted zone', { hostedZoneId: undefined }, 'hostedZoneId:'],
  ])('%s', (_name, patch, key) => {
    const message = problems({ ...minimal, ...patch })
    expect(message).toContain('invalid cloud parameters')
    expect(message).toContain(key)
  })

  test('several problems are reported at once', () => {
    const message = problems({ domain: 'x', region: 'nowhere' })
    expect(message).toContain('domain:')
    expect(message).toContain('region:')
    expect(message).toContain('hostedZoneId:')
  })
})

describe('loading', () => {
  const file = path.join(dir, 'mail-cloud.toml')
  fs.writeFileSync(
    file,
    `domain = "example.net"\nhostedZoneId = "ZABC"\ninstanceType = "t3.medium"\nregion = "eu-north-1"\n[install]\nhealthAttempts = 5\n`,
  )

  test('the TOML file, with flags winning', () => {
    const p = loadCloudParameters({
      file,
      cwd: dir,
      env: {},
      overrides: { instanceType: 't3.large', region: undefined },
    })
    expect(p).toMatchObject({ domain: 'example.net', instanceType: 't3.large', region: 'eu-north-1' })
    expect(p.install.healthAttempts).toBe(5)
    expect(p.install.dir).toBe('/opt/mail')
  })

  test('./mail-cloud.toml is read without --params', () => {
    expect(loadCloudParameters({ cwd: dir, env: {} }).domain).toBe('example.net')
  })

  test('region: flag > file > AWS_REGION > AWS_DEFAULT_REGION > us-east-1', () => {
    const empty = fs.mkdtempSync(path.join(dir, 'empty-'))
    const load = (env: Record<string, string>, region?: string) =>
      loadCloudParameters({ cwd: empty, env, overrides: { ...minimal, region } }).region
    expect(load({ AWS_REGION: 'eu-west-3', AWS_DEFAULT_REGION: 'eu-west-2' }, 'ap-south-1')).toBe('ap-south-1')
    expect(load({ AWS_REGION: 'eu-west-3', AWS_DEFAULT_REGION: 'eu-west-2' })).toBe('eu-west-3')
    expect(load({ AWS_DEFAULT_REGION: 'eu-west-2' })).toBe('eu-west-2')
    expect(load({})).toBe('us-east-1')
    expect(loadCloudParameters({ file, cwd: dir, env: { AWS_REGION: 'eu-west-3' } }).region).toBe('eu-north-1')
  })

  test.each([
    ['a missing --params file', path.join(dir, 'nope.toml'), /cannot read cloud parameters/],
    ['malformed TOML', 'bad.toml', /not valid TOML/],
  ])('%s is a clear error', (_name, name, message) => {
    fs.writeFileSync(path.join(dir, 'bad.toml'), 'domain = "unterminated\n')
    expect(() => loadCloudParameters({ file: name, cwd: dir, env: {} })).toThrow(message)
  })
})

test.each([
  ['t3.small', 'x86_64'],
  ['t3a.medium', 'x86_64'],
  ['t4g.small', 'arm64'],
  ['m7g.large', 'arm64'],
  ['c7gn.xlarge', 'arm64'],
  ['m5.large', 'x86_64'],
])('%s runs %s', (type, arch) => {
  expect(instanceArchitecture(type)).toBe(arch as 'x86_64' | 'arm64')
})

test('latest-AMI parameter per OS and architecture', () => {
  expect(latestAmiParameter({ os: 'al2023', instanceType: 't3.small' })).toBe(
    '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64',
  )
  expect(latestAmiParameter({ os: 'debian12', instanceType: 't4g.small' })).toBe(
    '/aws/service/debian/release/12/latest/arm64',
  )
})
