// The production stack (seed "Cloud Infrastructure"): EC2 with the mail ports open, an Elastic IP,
// an IAM role and instance profile, S3 buckets for releases and backups, the SES identity with
// Easy DKIM, and the domain's DNS records. ts-cloud builds the resources; we choose the logical IDs
// (its generated ones can be invalid) and fill the gaps its builders leave (shared notes §3).
import { Compute, DNS, Email, Fn, Permissions, Storage, TemplateBuilder } from '@stacksjs/ts-cloud'
import type { CfnResource, CfnTemplate, CfnValue } from './cfn-types.ts'
import { BACKUP_PREFIX, instancePolicyStatements } from './instance-policy.ts'
import { type CloudParameters, derivedNames, latestAmiParameter } from './parameters.ts'
import { renderUserData, toSubTemplate } from './user-data.ts'

/** Inbound ports (DESIGN.md "Shape"): SMTP 25/465/587, IMAP 143/993, POP3 110/995, HTTP 80/443, ManageSieve 4190. */
export const MAIL_PORTS = [
  { port: 25, description: 'SMTP (MX)' },
  { port: 465, description: 'SMTP submission, implicit TLS (RFC 8314)' },
  { port: 587, description: 'SMTP submission, STARTTLS (RFC 6409)' },
  { port: 143, description: 'IMAP' },
  { port: 993, description: 'IMAP, implicit TLS' },
  { port: 110, description: 'POP3' },
  { port: 995, description: 'POP3, implicit TLS' },
  { port: 80, description: 'HTTP (ACME, redirects)' },
  { port: 443, description: 'HTTPS (admin, API, DAV, MTA-STS policy)' },
  { port: 4190, description: 'ManageSieve (RFC 5804)' },
] as const

/** Logical IDs, fixed so updates never rename (and so replace) a resource. */
export const ID = {
  securityGroup: 'MailSecurityGroup',
  role: 'MailInstanceRole',
  instanceProfile: 'MailInstanceProfile',
  artifactsBucket: 'ArtifactsBucket',
  artifactsBucketPolicy: 'ArtifactsBucketPolicy',
  backupsBucket: 'BackupsBucket',
  backupsBucketPolicy: 'BackupsBucketPolicy',
  instance: 'MailInstance',
  eip: 'MailElasticIp',
  eipAssociation: 'MailElasticIpAssociation',
  sesIdentity: 'SesDomainIdentity',
} as const

export const IMAGE_PARAMETER = 'ImageId'
const TTL = '300'

const ref = (id: string): CfnValue => Fn.ref(id)
const getAtt = (id: string, attribute: string): CfnValue => Fn.getAtt(id, attribute)
const sub = (template: string): CfnValue => ({ 'Fn::Sub': template })
/** TXT strings are at most 255 bytes each (RFC 1035 §3.3); longer values are split into several. */
export const txtValue = (value: string): string => (value.match(/.{1,255}/g) ?? ['']).map(s => `"${s}"`).join(' ')

function tags(p: CloudParameters, name: string): CfnValue {
  return [
    { Key: 'Name', Value: name },
    { Key: 'mail-server:stack', Value: p.stackName },
    ...Object.entries(p.tags).map(([Key, Value]) => ({ Key, Value })),
  ]
}

function record(p: CloudParameters, name: string, type: string, values: CfnValue[]): CfnResource {
  // ts-cloud's helpers call name.replace(), so only literal names go through them.
  const { record } = DNS.createRecord({ hostedZoneId: p.hostedZoneId, name, type, values })
  return { ...record, Properties: { ...record.Properties, TTL } }
}

function bucket(p: CloudParameters, kind: 'artifacts' | 'backups', rules: CfnValue[]): CfnResource {
  const { bucket } = Storage.createBucket({
    slug: p.stackName,
    environment: 'production',
    name: kind,
    versioning: true,
    encryption: true,
  })
  const explicit = kind === 'artifacts' ? p.artifactsBucket : p.backupsBucket
  return {
    ...bucket,
    Properties: {
      ...bucket.Properties,
      // ts-cloud's generated name is global and fixed; ours carries the account id.
      BucketName: explicit ?? sub(`\${AWS::StackName}-${kind}-\${AWS::AccountId}`),
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      LifecycleConfiguration: { Rules: rules },
      Tags: tags(p, `${p.stackName}-${kind}`),
    },
  }
}

/** Refuse plain HTTP access to a bucket (aws:SecureTransport). */
function tlsOnlyPolicy(bucketId: string): CfnResource {
  return {
    Type: 'AWS::S3::BucketPolicy',
    Properties: {
      Bucket: ref(bucketId),
      PolicyDocument: {
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'DenyInsecureTransport',
            Effect: 'Deny',
            Principal: '*',
            Action: 's3:*',
            Resource: [getAtt(bucketId, 'Arn'), sub(`\${${bucketId}.Arn}/*`)],
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          },
        ],
      },
    },
  }
}

function dnsRecords(p: CloudParameters): Record<string, CfnResource> {
  const names = derivedNames(p)
  const { record: mx } = DNS.createMxRecords(p.domain, [{ priority: 10, server: `${p.hostname}.` }], p.hostedZoneId)
  const spf = p.ses ? 'v=spf1 mx include:amazonses.com -all' : 'v=spf1 mx -all'
  const records: Record<string, CfnResource> = {
    MailARecord: record(p, p.hostname, 'A', [ref(ID.eip)]),
    MxRecord: { ...mx, Properties: { ...mx.Properties, TTL } },
    SpfRecord: record(p, p.domain, 'TXT', [txtValue(spf)]),
    // RFC 7489 §6.3.
    DmarcRecord: record(p, `_dmarc.${p.domain}`, 'TXT', [
      txtValue(`v=DMARC1; p=${p.dmarcPolicy}; rua=mailto:${names.dmarcReports}; adkim=r; aspf=r`),
    ]),
    // RFC 8460 §3.
    TlsRptRecord: record(p, `_smtp._tls.${p.domain}`, 'TXT', [txtValue(`v=TLSRPTv1; rua=mailto:${names.tlsRptEmail}`)]),
  }
  if (p.mtaStsMode !== 'none') {
    // RFC 8461 §3.1: the id changes whenever the policy (mode, MX) changes, so senders refetch it.
    const policyId = Bun.hash(`${p.mtaStsMode} ${p.hostname}`).toString(36).slice(0, 16)
    records.MtaStsRecord = record(p, `_mta-sts.${p.domain}`, 'TXT', [txtValue(`v=STSv1; id=${policyId}`)])
    // The policy is served by the server itself at https://mta-sts.<domain>/.well-known/mta-sts.txt.
    records.MtaStsHostRecord = record(p, `mta-sts.${p.domain}`, 'A', [ref(ID.eip)])
  }
  if (p.ses)
    // Easy DKIM: three CNAMEs whose names and targets SES generates (AWS::SES::EmailIdentity attributes).
    // ts-cloud's DNS helpers need literal names, so these are written out.
    for (const n of [1, 2, 3])
      records[`SesDkimRecord${n}`] = {
        Type: 'AWS::Route53::RecordSet',
        Properties: {
          HostedZoneId: p.hostedZoneId,
          Name: getAtt(ID.sesIdentity, `DkimDNSTokenName${n}`),
          Type: 'CNAME',
          TTL,
          ResourceRecords: [getAtt(ID.sesIdentity, `DkimDNSTokenValue${n}`)],
        },
      }
  if (p.dkim)
    // The server's own key for direct delivery (RFC 6376 §3.6.2.2), split into 255-byte strings.
    records.DkimRecord = record(p, `${p.dkim.selector}._domainkey.${p.domain}`, 'TXT', [
      txtValue(`v=DKIM1; k=rsa; p=${p.dkim.publicKey}`),
    ])
  return records
}

export function buildMailStack(p: CloudParameters): CfnTemplate {
  const t = new TemplateBuilder(`mail-server for ${p.domain} (${p.hostname}), generated by mail-server cloud synth`)
  const slug = { slug: p.stackName, environment: 'production' }

  t.addParameter(IMAGE_PARAMETER, {
    Type: 'AWS::EC2::Image::Id',
    Description: `AMI of the instance. Resolved once from ${latestAmiParameter(p)} at creation and kept on updates, so an update never replaces the instance by accident`,
    ...(p.imageId ? { Default: p.imageId } : {}),
  })

  const { securityGroup } = Compute.createSecurityGroup({
    ...slug,
    description: `mail-server ${p.hostname}: mail, HTTP and ManageSieve ports`,
  })
  const ingress: CfnValue[] = MAIL_PORTS.map(({ port, description }) => ({
    IpProtocol: 'tcp',
    FromPort: port,
    ToPort: port,
    CidrIp: '0.0.0.0/0',
    Description: description,
  }))
  if (p.sshCidr)
    ingress.push({ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIp: p.sshCidr, Description: 'SSH (admin only)' })
  t.addResource(ID.securityGroup, {
    ...securityGroup,
    Properties: { ...securityGroup.Properties, SecurityGroupIngress: ingress, Tags: tags(p, `${p.stackName}-sg`) },
  })

  const { role } = Permissions.createRole({ ...slug, servicePrincipal: 'ec2.amazonaws.com' })
  const { RoleName: _roleName, ...roleProperties } = role.Properties
  t.addResource(ID.role, {
    ...role,
    Properties: {
      // No RoleName: IAM names are account-wide, and unnamed roles need only CAPABILITY_IAM.
      ...roleProperties,
      Description: `mail-server instance role for ${p.hostname}`,
      Policies: [
        {
          PolicyName: 'mail-server',
          PolicyDocument: {
            Version: '2012-10-17',
            Statement: instancePolicyStatements(p) as unknown as CfnValue[],
          },
        },
      ],
      Tags: tags(p, `${p.stackName}-role`),
    },
  })
  const { instanceProfile } = Permissions.createInstanceProfile(ID.role, slug)
  const { InstanceProfileName: _profileName, ...profileProperties } = instanceProfile.Properties
  t.addResource(ID.instanceProfile, { ...instanceProfile, Properties: profileProperties })

  t.addResource(
    ID.artifactsBucket,
    bucket(p, 'artifacts', [
      // Old releases stay for rollbacks a while, then go.
      {
        Id: 'expire-old-releases',
        Status: 'Enabled',
        Prefix: p.deployPrefix,
        NoncurrentVersionExpiration: { NoncurrentDays: 30 },
      },
      { Id: 'abort-incomplete-uploads', Status: 'Enabled', AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 } },
    ]),
  )
  t.addResource(ID.artifactsBucketPolicy, tlsOnlyPolicy(ID.artifactsBucket))
  t.addResource(ID.backupsBucket, {
    ...bucket(p, 'backups', [
      {
        Id: 'expire-backups',
        Status: 'Enabled',
        Prefix: BACKUP_PREFIX,
        ExpirationInDays: p.backupRetentionDays,
        NoncurrentVersionExpiration: { NoncurrentDays: 7 },
      },
      { Id: 'abort-incomplete-uploads', Status: 'Enabled', AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 } },
    ]),
    // Deleting the stack must not delete the backups.
    DeletionPolicy: 'Retain',
    UpdateReplacePolicy: 'Retain',
  })
  t.addResource(ID.backupsBucketPolicy, tlsOnlyPolicy(ID.backupsBucket))

  const { template: userData, variables } = toSubTemplate(renderUserData(p))
  const subVariables: Record<string, CfnValue> = {}
  for (const v of variables) subVariables[v] = ref(v === 'ArtifactsBucket' ? ID.artifactsBucket : v)
  const { instance } = Compute.createServer({
    ...slug,
    instanceType: p.instanceType,
    keyName: p.keyName || undefined,
    volumeSize: p.rootVolumeGb,
    volumeType: 'gp3',
    encrypted: true,
  })
  t.addResource(ID.instance, {
    ...instance,
    Properties: {
      ...instance.Properties,
      // ts-cloud defaults to a region-specific AMI and has no instance-profile option.
      ImageId: ref(IMAGE_PARAMETER),
      IamInstanceProfile: ref(ID.instanceProfile),
      SecurityGroupIds: [getAtt(ID.securityGroup, 'GroupId')],
      UserData: Fn.base64({ 'Fn::Sub': [userData, subVariables] }),
      BlockDeviceMappings: [
        {
          DeviceName: '/dev/xvda',
          // Kept when the instance is terminated or replaced: it holds the mail until backups exist.
          Ebs: { VolumeSize: p.rootVolumeGb, VolumeType: 'gp3', Encrypted: true, DeleteOnTermination: false },
        },
      ],
      Tags: tags(p, p.hostname),
    },
  })

  const { eip, eipAssociation } = Compute.createElasticIp({ ...slug, domain: p.domain, instanceLogicalId: ID.instance })
  t.addResource(ID.eip, { ...eip, Properties: { ...eip.Properties, Tags: tags(p, `${p.hostname}-ip`) } })
  if (!eipAssociation) throw new Error('ts-cloud returned no Elastic IP association')
  // ts-cloud points the association at its own logical ID for the address; ours differs.
  t.addResource(ID.eipAssociation, {
    ...eipAssociation,
    Properties: { ...eipAssociation.Properties, AllocationId: getAtt(ID.eip, 'AllocationId') },
  })

  if (p.ses) {
    const { emailIdentity } = Email.verifyDomain({ ...slug, domain: p.domain, dkimKeyLength: 'RSA_2048_BIT' })
    t.addResource(ID.sesIdentity, {
      ...emailIdentity,
      Properties: { ...emailIdentity.Properties, DkimAttributes: { SigningEnabled: true } },
    })
  }
  for (const [id, resource] of Object.entries(dnsRecords(p))) t.addResource(id, resource)

  t.addOutput('InstanceId', { Description: 'EC2 instance (deploy target)', Value: ref(ID.instance) })
  t.addOutput('PublicIp', { Description: 'Elastic IP of the server', Value: ref(ID.eip) })
  t.addOutput('Hostname', { Description: 'Server host name', Value: p.hostname })
  t.addOutput('ArtifactsBucketName', {
    Description: 'Release uploads (mail-server deploy)',
    Value: ref(ID.artifactsBucket),
  })
  t.addOutput('BackupsBucketName', { Description: 'Backups (mail-server backup)', Value: ref(ID.backupsBucket) })
  t.addOutput('DeployPrefix', { Description: 'Key prefix of releases', Value: p.deployPrefix })
  t.addOutput('SecurityGroupId', { Description: 'Security group', Value: getAtt(ID.securityGroup, 'GroupId') })
  return t.build()
}
