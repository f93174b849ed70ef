// `cloud synth` output: valid CloudFormation by the resource-specification table, the seed's
// resources present, the exact mail ports, DNS records well-formed, user data inside EC2's limit
// and valid shell once CloudFormation has substituted it.
import { describe, expect, test } from 'bun:test'
import type { CfnResource, CfnTemplate } from '../../../cloud/cfn-types.ts'
import { ID, MAIL_PORTS, buildMailStack, txtValue } from '../../../cloud/mail-stack.ts'
import { type CloudParametersInput, parseCloudParameters } from '../../../cloud/parameters.ts'
import { USER_DATA_LIMIT, renderUserData, toSubTemplate } from '../../../cloud/user-data.ts'
import { validateTemplate } from './cfn-spec.ts'

const base: CloudParametersInput = {
  stackName: 'mail',
  region: 'eu-central-1',
  domain: 'example.org',
  hostedZoneId: 'Z0123456789ABCDEFGHIJ',
  instanceType: 't3.small',
  os: 'al2023',
}
const params = (extra: Partial<CloudParametersInput> = {}) => parseCloudParameters({ ...base, ...extra })
const DKIM_KEY = `MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMII${'A'.repeat(360)}IDAQAB`

const byType = (t: CfnTemplate, type: string): [string, CfnResource][] =>
  Object.entries(t.Resources).filter(([, r]) => r.Type === type)
const records = (t: CfnTemplate) =>
  byType(t, 'AWS::Route53::RecordSet').map(([id, r]): Record<string, unknown> => ({ id, ...r.Properties }))

/** What CloudFormation's Fn::Sub makes of the user data, given values for its variables. */
function substituted(t: CfnTemplate, values: Record<string, string>): string {
  const userData = t.Resources[ID.instance]?.Properties?.UserData as { 'Fn::Base64': { 'Fn::Sub': [string, object] } }
  const [text] = userData['Fn::Base64']['Fn::Sub']
  return text.replace(/\$\{(!?)([^}]+)\}/g, (_, bang: string, name: string) => {
    if (bang) return `\${${name}}`
    const v = values[name]
    if (v === undefined) throw new Error(`unresolved \${${name}}`)
    return v
  })
}

const variants: [string, Partial<CloudParametersInput>][] = [
  ['defaults (AL2023, SES, dns-route53)', {}],
  [
    'Debian, standalone certbot, own DKIM key, SSH',
    {
      os: 'debian12',
      certificates: 'standalone',
      dkim: { selector: 'mail', publicKey: DKIM_KEY },
      keyName: 'ops',
      sshCidr: '203.0.113.7/32',
    },
  ],
  [
    'no SES, no MTA-STS, pinned AMI, explicit buckets',
    {
      ses: false,
      mtaStsMode: 'none',
      imageId: 'ami-0123456789abcdef0',
      artifactsBucket: 'my-releases',
      backupsBucket: 'my-backups',
    },
  ],
  ['arm64 instance', { instanceType: 't4g.small' }],
]

describe.each(variants)('synth: %s', (_name, extra) => {
  const template = buildMailStack(params(extra))
  const json = JSON.stringify(template, null, 2)

  test('JSON parses back to the same template', () => {
    expect(JSON.parse(json)).toEqual(template)
  })

  test('every resource type and property is in the CloudFormation specification, references resolve', () => {
    expect(validateTemplate(JSON.parse(json))).toEqual([])
  })

  test('fits CloudFormation limits: 51,200-byte template body, 16 KB user data', () => {
    expect(JSON.stringify(template).length).toBeLessThan(51_200)
    expect(new TextEncoder().encode(renderUserData(params(extra))).length).toBeLessThan(USER_DATA_LIMIT)
  })

  test('user data is valid bash after Fn::Sub', () => {
    const script = substituted(template, { ArtifactsBucket: 'mail-artifacts-123456789012' })
    expect(script.startsWith('#!/bin/bash\n')).toBe(true)
    expect(script).toContain("RELEASE='s3://mail-artifacts-123456789012/deploy/mail-server'")
    const r = Bun.spawnSync(['bash', '-n'], { stdin: new TextEncoder().encode(script) })
    expect(r.stderr.toString()).toBe('')
    expect(r.exitCode).toBe(0)
  })

  test('YAML (Bun.YAML, not ts-cloud toYAML) round-trips, shebang included', () => {
    const yaml = Bun.YAML.stringify(template, null, 2)
    expect(Bun.YAML.parse(yaml)).toEqual(template)
  })
})

describe('the seed resources', () => {
  const t = buildMailStack(params())
  test('EC2 instance, security group, Elastic IP, IAM role + profile, S3 buckets, SES identity', () => {
    const types = Object.values(t.Resources).map(r => r.Type)
    for (const type of [
      'AWS::EC2::Instance',
      'AWS::EC2::SecurityGroup',
      'AWS::EC2::EIP',
      'AWS::EC2::EIPAssociation',
      'AWS::IAM::Role',
      'AWS::IAM::InstanceProfile',
      'AWS::S3::Bucket',
      'AWS::SES::EmailIdentity',
    ])
      expect(types).toContain(type)
    expect(
      byType(t, 'AWS::S3::Bucket')
        .map(([id]) => id)
        .sort(),
    ).toEqual([ID.artifactsBucket, ID.backupsBucket])
  })

  test('security group opens exactly the mail, HTTP and ManageSieve ports, over TCP to the world', () => {
    const ingress = t.Resources[ID.securityGroup]?.Properties?.SecurityGroupIngress as Record<string, unknown>[]
    expect(ingress.map(r => r.FromPort).sort((a, b) => Number(a) - Number(b))).toEqual([
      25, 80, 110, 143, 443, 465, 587, 993, 995, 4190,
    ])
    for (const r of ingress) {
      expect(r.ToPort).toBe(r.FromPort as number)
      expect(r.IpProtocol).toBe('tcp')
      expect(r.CidrIp).toBe('0.0.0.0/0')
    }
    expect(MAIL_PORTS).toHaveLength(10)
  })

  test('SSH opens only when asked, and only to the given address', () => {
    const withSsh = buildMailStack(params({ sshCidr: '203.0.113.7/32' }))
    const ingress = withSsh.Resources[ID.securityGroup]?.Properties?.SecurityGroupIngress as Record<string, unknown>[]
    expect(ingress.filter(r => r.FromPort === 22)).toEqual([
      { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIp: '203.0.113.7/32', Description: 'SSH (admin only)' },
    ])
  })

  test('instance: parameterised AMI and type, instance profile, Elastic IP association, retained encrypted root volume', () => {
    const props = t.Resources[ID.instance]?.Properties as Record<string, unknown>
    expect(props.ImageId).toEqual({ Ref: 'ImageId' })
    expect(t.Parameters?.ImageId?.Type).toBe('AWS::EC2::Image::Id')
    expect(props.InstanceType).toBe('t3.small')
    expect(props.IamInstanceProfile).toEqual({ Ref: ID.instanceProfile })
    expect(props.BlockDeviceMappings).toEqual([
      {
        DeviceName: '/dev/xvda',
        Ebs: { VolumeSize: 30, VolumeType: 'gp3', Encrypted: true, DeleteOnTermination: false },
      },
    ])
    expect(t.Resources[ID.eipAssociation]?.Properties).toEqual({
      AllocationId: { 'Fn::GetAtt': [ID.eip, 'AllocationId'] },
      InstanceId: { Ref: ID.instance },
    })
    expect(buildMailStack(params({ imageId: 'ami-0123456789abcdef0' })).Parameters?.ImageId?.Default).toBe(
      'ami-0123456789abcdef0',
    )
  })

  test('buckets: versioned, encrypted, private, TLS only; backups expire and survive stack deletion', () => {
    for (const id of [ID.artifactsBucket, ID.backupsBucket]) {
      const p = t.Resources[id]?.Properties as Record<string, unknown>
      expect(p.VersioningConfiguration).toEqual({ Status: 'Enabled' })
      expect(p.PublicAccessBlockConfiguration).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      })
      expect(JSON.stringify(p.BucketEncryption)).toContain('AES256')
    }
    const backups = t.Resources[ID.backupsBucket]
    expect(backups?.DeletionPolicy).toBe('Retain')
    const rules = (backups?.Properties?.LifecycleConfiguration as { Rules: Record<string, unknown>[] }).Rules
    expect(rules.find(r => r.Prefix === 'backups/')?.ExpirationInDays).toBe(90)
    expect(JSON.stringify(t.Resources[ID.backupsBucketPolicy])).toContain('aws:SecureTransport')
  })

  test('SES identity with Easy DKIM and its three CNAMEs', () => {
    const identity = t.Resources[ID.sesIdentity]?.Properties as Record<string, unknown>
    expect(identity.EmailIdentity).toBe('example.org')
    expect(identity.DkimAttributes).toEqual({ SigningEnabled: true })
    const cnames = records(t).filter(r => r.Type === 'CNAME')
    expect(cnames.map(r => r.Name)).toEqual(
      [1, 2, 3].map(n => ({ 'Fn::GetAtt': [ID.sesIdentity, `DkimDNSTokenName${n}`] })),
    )
  })
})

describe('DNS records', () => {
  const t = buildMailStack(params({ dkim: { selector: 'mail', publicKey: DKIM_KEY } }))
  const find = (name: string, type: string) => records(t).find(r => r.Name === name && r.Type === type)

  test('MX, A, SPF, DMARC, DKIM, MTA-STS and TLS-RPT, all in the given zone', () => {
    expect(find('example.org', 'MX')?.ResourceRecords).toEqual(['10 mail.example.org.'])
    expect(find('mail.example.org', 'A')?.ResourceRecords).toEqual([{ Ref: ID.eip }])
    expect(find('example.org', 'TXT')?.ResourceRecords).toEqual(['"v=spf1 mx include:amazonses.com -all"'])
    expect(String((find('_dmarc.example.org', 'TXT')?.ResourceRecords as string[])[0])).toStartWith(
      '"v=DMARC1; p=quarantine;',
    )
    expect(String((find('_mta-sts.example.org', 'TXT')?.ResourceRecords as string[])[0])).toMatch(
      /^"v=STSv1; id=[0-9a-z]+"$/,
    )
    expect(find('mta-sts.example.org', 'A')?.ResourceRecords).toEqual([{ Ref: ID.eip }])
    expect(find('_smtp._tls.example.org', 'TXT')?.ResourceRecords).toEqual([
      '"v=TLSRPTv1; rua=mailto:tls-reports@example.org"',
    ])
    expect(find('mail._domainkey.example.org', 'TXT')).toBeDefined()
    for (const r of records(t)) expect(r.HostedZoneId).toBe('Z0123456789ABCDEFGHIJ')
  })

  test('the DKIM key is split into TXT strings of at most 255 bytes that join back to the record', () => {
    const value = (find('mail._domainkey.example.org', 'TXT')?.ResourceRecords as string[])[0] as string
    const strings = [...value.matchAll(/"([^"]*)"/g)].map(m => m[1] as string)
    expect(strings.length).toBeGreaterThan(1)
    for (const s of strings) expect(s.length).toBeLessThanOrEqual(255)
    expect(strings.join('')).toBe(`v=DKIM1; k=rsa; p=${DKIM_KEY}`)
  })

  test.each([
    ['', ['""']],
    ['short', ['"short"']],
    ['x'.repeat(255), [`"${'x'.repeat(255)}"`]],
    ['x'.repeat(256), [`"${'x'.repeat(255)}" "x"`]],
  ])('txtValue(%#)', (input, expected) => {
    expect([txtValue(input)]).toEqual(expected)
  })

  test('MTA-STS id changes when the policy mode changes', () => {
    const id = (mode: 'testing' | 'enforce') =>
      (
        records(buildMailStack(params({ mtaStsMode: mode }))).find(r => r.Name === '_mta-sts.example.org')
          ?.ResourceRecords as string[]
      )[0]
    expect(id('testing')).not.toBe(id('enforce'))
  })

  test('without SES: no identity, no DKIM CNAMEs, SPF without amazonses.com', () => {
    const plain = buildMailStack(params({ ses: false }))
    expect(byType(plain, 'AWS::SES::EmailIdentity')).toEqual([])
    expect(records(plain).filter(r => r.Type === 'CNAME')).toEqual([])
    expect(records(plain).find(r => r.Name === 'example.org' && r.Type === 'TXT')?.ResourceRecords).toEqual([
      '"v=spf1 mx -all"',
    ])
  })
})

describe('the specification check can fail', () => {
  const good = buildMailStack(params())
  const mutate = (f: (t: CfnTemplate) => void) => {
    const copy = structuredClone(good)
    f(copy)
    return validateTemplate(copy)
  }
  test.each<[string, (t: CfnTemplate) => void, RegExp]>([
    [
      'unknown resource type',
      t => void (t.Resources.X = { Type: 'AWS::EC2::Nope', Properties: {} }),
      /not in the specification/,
    ],
    [
      'unknown property',
      t => void ((t.Resources[ID.instance] as CfnResource).Properties!.Bogus = 1),
      /unknown property Bogus/,
    ],
    [
      'misspelled nested property',
      t =>
        void ((
          t.Resources[ID.securityGroup]!.Properties!.SecurityGroupIngress as Record<string, unknown>[]
        )[0]!.FromPorts = 1),
      /unknown property FromPorts/,
    ],
    [
      'missing required property',
      t => void delete t.Resources[ID.securityGroup]!.Properties!.GroupDescription,
      /missing required GroupDescription/,
    ],
    [
      'wrong primitive type',
      t => void (t.Resources[ID.eipAssociation]!.Properties!.InstanceId = [1]),
      /expected a string/,
    ],
    [
      'bad enum',
      t => void (t.Resources[ID.artifactsBucket]!.Properties!.VersioningConfiguration = { Status: 'On' }),
      /not one of/,
    ],
    [
      'GetAtt of a missing attribute',
      t => void (t.Resources[ID.eipAssociation]!.Properties!.AllocationId = { 'Fn::GetAtt': [ID.eip, 'Nope'] }),
      /has no attribute Nope/,
    ],
    [
      'Ref to a missing resource',
      t => void (t.Resources[ID.instance]!.Properties!.IamInstanceProfile = { Ref: 'Gone' }),
      /unknown Gone/,
    ],
    [
      'Sub reference to a missing resource',
      t => void (t.Outputs!.X = { Value: { 'Fn::Sub': '${Gone.Arn}' } }),
      /unknown resource Gone/,
    ],
    ['invalid logical ID', t => void (t.Resources['Record_dmarc'] = t.Resources.DmarcRecord!), /alphanumeric/],
    [
      'bad bucket name',
      t => void (t.Resources[ID.artifactsBucket]!.Properties!.BucketName = 'Bad_Name'),
      /does not match/,
    ],
  ])('%s', (_name, f, problem) => {
    expect(mutate(f).join('\n')).toMatch(problem)
  })
})

test('toSubTemplate escapes literal ${ and turns placeholders into variables', () => {
  const { template, variables } = toSubTemplate('a=${HOME} b=__ARTIFACTS_BUCKET__ c=$X')
  expect(template).toBe('a=${!HOME} b=${ArtifactsBucket} c=$X')
  expect(variables).toEqual(['ArtifactsBucket'])
})
