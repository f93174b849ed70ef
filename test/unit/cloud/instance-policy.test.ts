// Least privilege: every action the instance role (and the bucket policies) allow is listed here,
// no action is a wildcard, and "*" resources appear only for actions AWS cannot scope.
import { describe, expect, test } from 'bun:test'
import type { CfnTemplate } from '../../../cloud/cfn-types.ts'
import { RESOURCE_WILDCARD_ONLY } from '../../../cloud/instance-policy.ts'
import { ID, buildMailStack } from '../../../cloud/mail-stack.ts'
import { type CloudParametersInput, parseCloudParameters } from '../../../cloud/parameters.ts'

interface Statement {
  Sid?: string
  Effect: string
  Action: string | string[]
  Resource: unknown
  Condition?: Record<string, Record<string, unknown>>
}

const base: CloudParametersInput = { domain: 'example.org', hostedZoneId: 'Z0123456789ABCDEFGHIJ', region: 'eu-west-1' }
const stack = (extra: Partial<CloudParametersInput> = {}) => buildMailStack(parseCloudParameters({ ...base, ...extra }))

function allStatements(t: CfnTemplate): Statement[] {
  const out: Statement[] = []
  for (const r of Object.values(t.Resources)) {
    const p = r.Properties ?? {}
    if (r.Type === 'AWS::IAM::Role')
      for (const policy of (p.Policies ?? []) as unknown as { PolicyDocument: { Statement: Statement[] } }[])
        out.push(...policy.PolicyDocument.Statement)
    if (r.Type === 'AWS::S3::BucketPolicy')
      out.push(...(p.PolicyDocument as unknown as { Statement: Statement[] }).Statement)
  }
  return out
}
const actions = (s: Statement) => [s.Action].flat()
const resources = (s: Statement) => [s.Resource].flat()
const allowed = (t: CfnTemplate) => allStatements(t).filter(s => s.Effect === 'Allow')

describe('instance role', () => {
  const t = stack()

  test('the complete list of allowed actions (a new one must be added here on purpose)', () => {
    expect([...new Set(allowed(t).flatMap(actions))].sort()).toEqual(
      [
        'ec2messages:AcknowledgeMessage',
        'ec2messages:DeleteMessage',
        'ec2messages:FailMessage',
        'ec2messages:GetEndpoint',
        'ec2messages:GetMessages',
        'ec2messages:SendReply',
        'route53:ChangeResourceRecordSets',
        'route53:GetChange',
        'route53:ListHostedZones',
        's3:AbortMultipartUpload',
        's3:GetObject',
        's3:ListBucket',
        's3:PutObject',
        'ses:SendEmail',
        'ses:SendRawEmail',
        'ssm:ListInstanceAssociations',
        'ssm:UpdateInstanceAssociationStatus',
        'ssm:UpdateInstanceInformation',
        'ssmmessages:CreateControlChannel',
        'ssmmessages:CreateDataChannel',
        'ssmmessages:OpenControlChannel',
        'ssmmessages:OpenDataChannel',
      ].sort(),
    )
  })

  test('no wildcard actions', () => {
    for (const s of allowed(t)) for (const a of actions(s)) expect(a).not.toContain('*')
  })

  test('Resource "*" only for actions without resource-level permissions', () => {
    for (const s of allowed(t))
      if (resources(s).includes('*')) for (const a of actions(s)) expect(RESOURCE_WILDCARD_ONLY).toContain(a)
  })

  test('no managed policies (AmazonSSMManagedInstanceCore grants far more than the agent needs here)', () => {
    expect(t.Resources[ID.role]?.Properties?.ManagedPolicyArns).toBeUndefined()
  })

  test('only EC2 may assume the role', () => {
    expect(t.Resources[ID.role]?.Properties?.AssumeRolePolicyDocument).toEqual({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
    })
  })

  const bySid = (sid: string) => allowed(t).find(s => s.Sid === sid)

  test('S3: releases read-only under deploy/, backups under backups/ without delete, listing only that prefix', () => {
    expect(bySid('ReadReleases')?.Resource).toEqual({ 'Fn::Sub': '${ArtifactsBucket.Arn}/deploy/*' })
    expect(bySid('WriteAndReadBackups')?.Resource).toEqual({ 'Fn::Sub': '${BackupsBucket.Arn}/backups/*' })
    expect(actions(bySid('WriteAndReadBackups') as Statement)).not.toContain('s3:DeleteObject')
    expect(bySid('ListBackups')?.Condition).toEqual({ StringLike: { 's3:prefix': ['backups/', 'backups/*'] } })
  })

  test('SES: sending only, as the stack domain identity', () => {
    expect(bySid('SendThroughSes')?.Resource).toEqual({
      'Fn::Sub': 'arn:${AWS::Partition}:ses:${AWS::Region}:${AWS::AccountId}:identity/example.org',
    })
  })

  test('Route53: TXT changes to the ACME challenge names in the one hosted zone', () => {
    const s = bySid('AcmeChallengeRecords') as Statement
    expect(s.Resource).toEqual({ 'Fn::Sub': 'arn:${AWS::Partition}:route53:::hostedzone/Z0123456789ABCDEFGHIJ' })
    expect(s.Condition).toEqual({
      'ForAllValues:StringEquals': {
        'route53:ChangeResourceRecordSetsNormalizedRecordNames': [
          '_acme-challenge.mail.example.org',
          '_acme-challenge.mta-sts.example.org',
        ],
        'route53:ChangeResourceRecordSetsRecordTypes': ['TXT'],
      },
    })
  })

  test('SSM registration is scoped to instances of this account and region', () => {
    expect(bySid('SsmAgentRegistration')?.Resource).toEqual({
      'Fn::Sub': 'arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:instance/*',
    })
  })
})

test.each<[string, Partial<CloudParametersInput>, string[]]>([
  ['standalone certificates: no Route53 access at all', { certificates: 'standalone' }, ['route53:']],
  ['no SES: no SES access', { ses: false }, ['ses:']],
])('%s', (_name, extra, absent) => {
  const used = allowed(stack(extra)).flatMap(actions)
  for (const prefix of absent) expect(used.filter(a => a.startsWith(prefix))).toEqual([])
})

test('bucket policies only deny (plain HTTP); they grant nothing', () => {
  const t = stack()
  const bucketStatements = Object.values(t.Resources)
    .filter(r => r.Type === 'AWS::S3::BucketPolicy')
    .flatMap(r => (r.Properties?.PolicyDocument as unknown as { Statement: Statement[] }).Statement)
  expect(bucketStatements.length).toBe(2)
  for (const s of bucketStatements) expect(s.Effect).toBe('Deny')
})
