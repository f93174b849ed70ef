// The instance role's permissions: exactly what the server and its first boot use, each scoped to
// the resources involved. Only actions AWS cannot scope (RESOURCE_WILDCARD_ONLY) get Resource "*".
import type { CfnValue } from './cfn-types.ts'
import type { CloudParameters } from './parameters.ts'

export interface PolicyStatement {
  Sid: string
  Effect: 'Allow' | 'Deny'
  Action: string[]
  Resource: CfnValue
  Condition?: Record<string, Record<string, CfnValue>>
}

/**
 * Actions whose service authorization reference lists no resource type, so "*" is the only valid
 * Resource: the SSM agent's message channels (ec2messages, ssmmessages) and route53:ListHostedZones,
 * which certbot's Route53 plugin calls to find the zone.
 */
export const RESOURCE_WILDCARD_ONLY: readonly string[] = [
  'ec2messages:AcknowledgeMessage',
  'ec2messages:DeleteMessage',
  'ec2messages:FailMessage',
  'ec2messages:GetEndpoint',
  'ec2messages:GetMessages',
  'ec2messages:SendReply',
  'ssmmessages:CreateControlChannel',
  'ssmmessages:CreateDataChannel',
  'ssmmessages:OpenControlChannel',
  'ssmmessages:OpenDataChannel',
  'route53:ListHostedZones',
]

const sub = (template: string): CfnValue => ({ 'Fn::Sub': template })

/** Key prefix of backups in the backup bucket (the backup engineer's `mail-server backup`). */
export const BACKUP_PREFIX = 'backups/'

export function instancePolicyStatements(p: CloudParameters): PolicyStatement[] {
  const statements: PolicyStatement[] = [
    {
      // First boot installs the release with the instance role; later deploys use presigned URLs.
      Sid: 'ReadReleases',
      Effect: 'Allow',
      Action: ['s3:GetObject'],
      Resource: sub(`\${ArtifactsBucket.Arn}/${p.deployPrefix}*`),
    },
    {
      Sid: 'WriteAndReadBackups',
      Effect: 'Allow',
      // No DeleteObject: old backups expire by the bucket's lifecycle rule, so a compromised server
      // cannot erase them (and versioning keeps overwritten ones).
      Action: ['s3:PutObject', 's3:GetObject', 's3:AbortMultipartUpload'],
      Resource: sub(`\${BackupsBucket.Arn}/${BACKUP_PREFIX}*`),
    },
    {
      Sid: 'ListBackups',
      Effect: 'Allow',
      Action: ['s3:ListBucket'],
      Resource: sub('${BackupsBucket.Arn}'),
      Condition: { StringLike: { 's3:prefix': [BACKUP_PREFIX, `${BACKUP_PREFIX}*`] } },
    },
    {
      // The SSM agent registers the instance and reports association status (RunCommand, deploys).
      Sid: 'SsmAgentRegistration',
      Effect: 'Allow',
      Action: ['ssm:UpdateInstanceInformation', 'ssm:ListInstanceAssociations', 'ssm:UpdateInstanceAssociationStatus'],
      Resource: sub('arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:instance/*'),
    },
    {
      Sid: 'SsmAgentChannels',
      Effect: 'Allow',
      Action: RESOURCE_WILDCARD_ONLY.filter(a => a.startsWith('ec2messages:') || a.startsWith('ssmmessages:')),
      Resource: '*',
    },
  ]
  if (p.ses)
    statements.push({
      // SES v2 SendEmail and v1 SendRawEmail, only as the stack's own domain identity.
      Sid: 'SendThroughSes',
      Effect: 'Allow',
      Action: ['ses:SendEmail', 'ses:SendRawEmail'],
      Resource: sub(`arn:\${AWS::Partition}:ses:\${AWS::Region}:\${AWS::AccountId}:identity/${p.domain}`),
    })
  if (p.certificates === 'dns-route53')
    statements.push(
      {
        // certbot's DNS-01 challenge: only TXT records named _acme-challenge.<certificate name>.
        Sid: 'AcmeChallengeRecords',
        Effect: 'Allow',
        Action: ['route53:ChangeResourceRecordSets'],
        Resource: sub(`arn:\${AWS::Partition}:route53:::hostedzone/${p.hostedZoneId}`),
        Condition: {
          'ForAllValues:StringEquals': {
            'route53:ChangeResourceRecordSetsNormalizedRecordNames': acmeChallengeNames(p),
            'route53:ChangeResourceRecordSetsRecordTypes': ['TXT'],
          },
        },
      },
      {
        Sid: 'AcmeChallengePropagation',
        Effect: 'Allow',
        Action: ['route53:GetChange'],
        Resource: sub('arn:${AWS::Partition}:route53:::change/*'),
      },
      {
        Sid: 'AcmeFindZone',
        Effect: 'Allow',
        Action: ['route53:ListHostedZones'],
        Resource: '*',
      },
    )
  return statements
}

/** Route53 normalizes names to lower case without the trailing dot. */
export function acmeChallengeNames(p: CloudParameters): string[] {
  const names = [p.hostname, ...(p.mtaStsMode === 'none' ? [] : [`mta-sts.${p.domain}`])]
  return names.map(n => `_acme-challenge.${n}`)
}
