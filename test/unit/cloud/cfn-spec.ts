// A slice of the CloudFormation resource specification (the registry schemas cfn-lint ships under
// src/cfnlint/data/schemas/providers/us_east_1/aws-*.json): every top-level property of each
// resource type the stack uses, the required ones, the GetAtt attributes, and the nested shapes of
// the properties we set. `validateTemplate` checks a template against it the way cfn-lint's
// E3002/E3003/E3012/E1010/E1012 rules would (cfn-lint itself cannot be installed here).

/** A property value: a primitive, an enum, an object shape, an array of shapes, or free JSON (policies). */
export type Shape =
  | 'string'
  | 'integer'
  | 'boolean'
  | 'json'
  | { enum: readonly string[] }
  | { pattern: RegExp; maxLength?: number }
  | { object: Record<string, Shape>; required?: readonly string[] }
  | { array: Shape }

/** Properties listed without a nested shape are allowed names whose value is not inspected further. */
const ANY = 'json' as const

export interface ResourceSpec {
  properties: Record<string, Shape>
  required: readonly string[]
  attributes: readonly string[]
}

const tag: Shape = { object: { Key: 'string', Value: 'string' }, required: ['Key', 'Value'] }
const tags: Shape = { array: tag }

const ingress: Shape = {
  object: {
    CidrIp: 'string',
    CidrIpv6: 'string',
    Description: 'string',
    FromPort: 'integer',
    IpProtocol: 'string',
    SourcePrefixListId: 'string',
    SourceSecurityGroupId: 'string',
    SourceSecurityGroupName: 'string',
    SourceSecurityGroupOwnerId: 'string',
    ToPort: 'integer',
  },
  required: ['IpProtocol'],
}

const ebs: Shape = {
  object: {
    DeleteOnTermination: 'boolean',
    Encrypted: 'boolean',
    Iops: 'integer',
    KmsKeyId: 'string',
    SnapshotId: 'string',
    VolumeSize: 'integer',
    VolumeType: 'string',
  },
}

const lifecycleRule: Shape = {
  object: {
    AbortIncompleteMultipartUpload: {
      object: { DaysAfterInitiation: 'integer' },
      required: ['DaysAfterInitiation'],
    },
    ExpirationDate: 'string',
    ExpirationInDays: 'integer',
    ExpiredObjectDeleteMarker: 'boolean',
    Id: 'string',
    NoncurrentVersionExpiration: {
      object: { NewerNoncurrentVersions: 'integer', NoncurrentDays: 'integer' },
      required: ['NoncurrentDays'],
    },
    NoncurrentVersionExpirationInDays: 'integer',
    NoncurrentVersionTransition: ANY,
    NoncurrentVersionTransitions: ANY,
    ObjectSizeGreaterThan: 'string',
    ObjectSizeLessThan: 'string',
    Prefix: 'string',
    Status: { enum: ['Enabled', 'Disabled'] },
    TagFilters: ANY,
    Transition: ANY,
    Transitions: ANY,
  },
  required: ['Status'],
}

export const RESOURCE_SPEC: Record<string, ResourceSpec> = {
  'AWS::EC2::Instance': {
    properties: {
      AdditionalInfo: 'string',
      Affinity: 'string',
      AvailabilityZone: 'string',
      BlockDeviceMappings: {
        array: {
          object: { DeviceName: 'string', Ebs: ebs, NoDevice: ANY, VirtualName: 'string' },
          required: ['DeviceName'],
        },
      },
      CpuOptions: ANY,
      CreditSpecification: ANY,
      DisableApiTermination: 'boolean',
      EbsOptimized: 'boolean',
      ElasticGpuSpecifications: ANY,
      ElasticInferenceAccelerators: ANY,
      EnclaveOptions: ANY,
      HibernationOptions: ANY,
      HostId: 'string',
      HostResourceGroupArn: 'string',
      IamInstanceProfile: 'string',
      ImageId: 'string',
      InstanceInitiatedShutdownBehavior: 'string',
      InstanceType: 'string',
      Ipv6AddressCount: 'integer',
      Ipv6Addresses: ANY,
      KernelId: 'string',
      KeyName: 'string',
      LaunchTemplate: ANY,
      LicenseSpecifications: ANY,
      Monitoring: 'boolean',
      NetworkInterfaces: ANY,
      PlacementGroupName: 'string',
      PrivateDnsNameOptions: ANY,
      PrivateIpAddress: 'string',
      PropagateTagsToVolumeOnCreation: 'boolean',
      RamdiskId: 'string',
      SecurityGroupIds: { array: 'string' },
      SecurityGroups: { array: 'string' },
      SourceDestCheck: 'boolean',
      SsmAssociations: ANY,
      SubnetId: 'string',
      Tags: tags,
      Tenancy: 'string',
      UserData: 'string',
      Volumes: ANY,
    },
    required: [],
    attributes: ['AvailabilityZone', 'InstanceId', 'PrivateDnsName', 'PrivateIp', 'PublicDnsName', 'PublicIp', 'VpcId'],
  },
  'AWS::EC2::SecurityGroup': {
    properties: {
      GroupDescription: { pattern: /^([a-z,A-Z,0-9,. _\-:/()#,@[\]+=&;{}!$*])*$/, maxLength: 255 },
      GroupName: 'string',
      SecurityGroupEgress: ANY,
      SecurityGroupIngress: { array: ingress },
      Tags: tags,
      VpcId: 'string',
    },
    required: ['GroupDescription'],
    attributes: ['GroupId', 'VpcId', 'Id'],
  },
  'AWS::EC2::EIP': {
    properties: {
      Domain: { enum: ['standard', 'vpc'] },
      InstanceId: 'string',
      NetworkBorderGroup: 'string',
      PublicIpv4Pool: 'string',
      Tags: tags,
      TransferAddress: 'string',
    },
    required: [],
    attributes: ['AllocationId', 'PublicIp'],
  },
  'AWS::EC2::EIPAssociation': {
    properties: {
      AllocationId: 'string',
      EIP: 'string',
      InstanceId: 'string',
      NetworkInterfaceId: 'string',
      PrivateIpAddress: 'string',
    },
    required: [],
    attributes: ['Id'],
  },
  'AWS::IAM::Role': {
    properties: {
      AssumeRolePolicyDocument: ANY,
      Description: 'string',
      ManagedPolicyArns: { array: 'string' },
      MaxSessionDuration: 'integer',
      Path: 'string',
      PermissionsBoundary: 'string',
      Policies: {
        array: { object: { PolicyDocument: ANY, PolicyName: 'string' }, required: ['PolicyName', 'PolicyDocument'] },
      },
      RoleName: 'string',
      Tags: tags,
    },
    required: ['AssumeRolePolicyDocument'],
    attributes: ['Arn', 'RoleId'],
  },
  'AWS::IAM::InstanceProfile': {
    properties: { InstanceProfileName: 'string', Path: 'string', Roles: { array: 'string' } },
    required: ['Roles'],
    attributes: ['Arn'],
  },
  'AWS::S3::Bucket': {
    properties: {
      AccelerateConfiguration: ANY,
      AccessControl: ANY,
      AnalyticsConfigurations: ANY,
      BucketEncryption: {
        object: {
          ServerSideEncryptionConfiguration: {
            array: {
              object: {
                BucketKeyEnabled: 'boolean',
                ServerSideEncryptionByDefault: {
                  object: { KMSMasterKeyID: 'string', SSEAlgorithm: { enum: ['aws:kms', 'AES256'] } },
                  required: ['SSEAlgorithm'],
                },
              },
            },
          },
        },
        required: ['ServerSideEncryptionConfiguration'],
      },
      BucketName: { pattern: /^[a-z0-9][a-z0-9//.//-]*[a-z0-9]$/, maxLength: 63 },
      CorsConfiguration: ANY,
      IntelligentTieringConfigurations: ANY,
      InventoryConfigurations: ANY,
      LifecycleConfiguration: { object: { Rules: { array: lifecycleRule } }, required: ['Rules'] },
      LoggingConfiguration: ANY,
      MetricsConfigurations: ANY,
      NotificationConfiguration: ANY,
      ObjectLockConfiguration: ANY,
      ObjectLockEnabled: 'boolean',
      OwnershipControls: {
        object: {
          Rules: {
            array: {
              object: { ObjectOwnership: { enum: ['ObjectWriter', 'BucketOwnerPreferred', 'BucketOwnerEnforced'] } },
            },
          },
        },
        required: ['Rules'],
      },
      PublicAccessBlockConfiguration: {
        object: {
          BlockPublicAcls: 'boolean',
          BlockPublicPolicy: 'boolean',
          IgnorePublicAcls: 'boolean',
          RestrictPublicBuckets: 'boolean',
        },
      },
      ReplicationConfiguration: ANY,
      Tags: tags,
      VersioningConfiguration: {
        object: { Status: { enum: ['Enabled', 'Suspended'] } },
        required: ['Status'],
      },
      WebsiteConfiguration: ANY,
    },
    required: [],
    attributes: ['Arn', 'DomainName', 'DualStackDomainName', 'RegionalDomainName', 'WebsiteURL'],
  },
  'AWS::S3::BucketPolicy': {
    properties: { Bucket: 'string', PolicyDocument: ANY },
    required: ['Bucket', 'PolicyDocument'],
    attributes: ['Id'],
  },
  'AWS::SES::EmailIdentity': {
    properties: {
      ConfigurationSetAttributes: { object: { ConfigurationSetName: 'string' } },
      DkimAttributes: { object: { SigningEnabled: 'boolean' } },
      DkimSigningAttributes: {
        object: {
          DomainSigningPrivateKey: 'string',
          DomainSigningSelector: 'string',
          NextSigningKeyLength: { enum: ['RSA_1024_BIT', 'RSA_2048_BIT'] },
        },
      },
      EmailIdentity: 'string',
      FeedbackAttributes: { object: { EmailForwardingEnabled: 'boolean' } },
      MailFromAttributes: {
        object: {
          BehaviorOnMxFailure: { enum: ['USE_DEFAULT_VALUE', 'REJECT_MESSAGE'] },
          MailFromDomain: 'string',
        },
      },
    },
    required: ['EmailIdentity'],
    attributes: [
      'DkimDNSTokenName1',
      'DkimDNSTokenName2',
      'DkimDNSTokenName3',
      'DkimDNSTokenValue1',
      'DkimDNSTokenValue2',
      'DkimDNSTokenValue3',
    ],
  },
  'AWS::Route53::RecordSet': {
    properties: {
      AliasTarget: ANY,
      CidrRoutingConfig: ANY,
      Comment: 'string',
      Failover: 'string',
      GeoLocation: ANY,
      HealthCheckId: 'string',
      HostedZoneId: 'string',
      HostedZoneName: 'string',
      MultiValueAnswer: 'boolean',
      Name: 'string',
      Region: 'string',
      ResourceRecords: { array: 'string' },
      SetIdentifier: 'string',
      TTL: 'string',
      Type: 'string',
      Weight: 'integer',
    },
    required: ['Type', 'Name'],
    attributes: ['Id'],
  },
}

const RESOURCE_KEYS = new Set([
  'Type',
  'Properties',
  'DependsOn',
  'DeletionPolicy',
  'UpdateReplacePolicy',
  'Condition',
  'Metadata',
  'CreationPolicy',
  'UpdatePolicy',
])
const TEMPLATE_KEYS = new Set([
  'AWSTemplateFormatVersion',
  'Description',
  'Metadata',
  'Parameters',
  'Mappings',
  'Conditions',
  'Transform',
  'Resources',
  'Outputs',
])
const PARAMETER_TYPES = new Set([
  'String',
  'Number',
  'List<Number>',
  'CommaDelimitedList',
  'AWS::EC2::Image::Id',
  'AWS::EC2::KeyPair::KeyName',
  'AWS::EC2::SecurityGroup::Id',
  'AWS::EC2::Subnet::Id',
  'AWS::EC2::VPC::Id',
  'AWS::Route53::HostedZone::Id',
  'AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>',
])
const PSEUDO = new Set([
  'AWS::AccountId',
  'AWS::Region',
  'AWS::StackId',
  'AWS::StackName',
  'AWS::Partition',
  'AWS::URLSuffix',
  'AWS::NoValue',
  'AWS::NotificationARNs',
])
const INTRINSICS = new Set([
  'Ref',
  'Fn::GetAtt',
  'Fn::Sub',
  'Fn::Join',
  'Fn::Base64',
  'Fn::Select',
  'Fn::GetAZs',
  'Fn::If',
  'Fn::Split',
  'Fn::ImportValue',
  'Fn::FindInMap',
])

interface Context {
  template: Record<string, unknown>
  problems: string[]
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

function intrinsicName(v: unknown): string | undefined {
  if (!isRecord(v)) return undefined
  const keys = Object.keys(v)
  return keys.length === 1 && (keys[0] === 'Ref' || keys[0]?.startsWith('Fn::')) ? keys[0] : undefined
}

function resources(ctx: Context): Record<string, Record<string, unknown>> {
  return (ctx.template.Resources ?? {}) as Record<string, Record<string, unknown>>
}

function checkRef(ctx: Context, target: string, where: string, subVariables: readonly string[] = []): void {
  const params = (ctx.template.Parameters ?? {}) as Record<string, unknown>
  if (PSEUDO.has(target) || target in params || target in resources(ctx) || subVariables.includes(target)) return
  ctx.problems.push(`${where}: Ref to unknown ${target}`)
}

function checkGetAtt(ctx: Context, id: string, attribute: string, where: string): void {
  const target = resources(ctx)[id]
  if (!target) return void ctx.problems.push(`${where}: GetAtt of unknown resource ${id}`)
  const spec = RESOURCE_SPEC[String(target.Type)]
  if (spec && !spec.attributes.includes(attribute))
    ctx.problems.push(`${where}: ${target.Type} has no attribute ${attribute}`)
}

/** Validates intrinsic functions anywhere in a value (the references they make must resolve). */
function checkIntrinsics(ctx: Context, value: unknown, where: string): void {
  const fn = intrinsicName(value)
  if (fn && isRecord(value)) {
    const arg = value[fn]
    if (!INTRINSICS.has(fn)) ctx.problems.push(`${where}: unknown function ${fn}`)
    if (fn === 'Ref') {
      if (typeof arg !== 'string') ctx.problems.push(`${where}: Ref takes a string`)
      else checkRef(ctx, arg, where)
    } else if (fn === 'Fn::GetAtt') {
      if (!Array.isArray(arg) || arg.length !== 2 || typeof arg[0] !== 'string' || typeof arg[1] !== 'string')
        ctx.problems.push(`${where}: Fn::GetAtt takes [logicalId, attribute]`)
      else checkGetAtt(ctx, arg[0], arg[1], where)
    } else if (fn === 'Fn::Sub') {
      const [text, vars] =
        typeof arg === 'string' ? [arg, {}] : Array.isArray(arg) ? [arg[0], arg[1] ?? {}] : [null, {}]
      if (typeof text !== 'string' || !isRecord(vars))
        ctx.problems.push(`${where}: Fn::Sub takes a string or [string, map]`)
      else {
        // ${!Literal} is an escape, not a reference.
        for (const m of text.matchAll(/\$\{([^!}][^}]*)\}/g)) {
          const name = m[1] as string
          const [id, attribute] = name.includes('.')
            ? [name.slice(0, name.indexOf('.')), name.slice(name.indexOf('.') + 1)]
            : [name, undefined]
          if (attribute !== undefined && !PSEUDO.has(name)) checkGetAtt(ctx, id as string, attribute, where)
          else checkRef(ctx, name, where, Object.keys(vars))
        }
        for (const [k, v] of Object.entries(vars)) checkIntrinsics(ctx, v, `${where}.${k}`)
      }
    } else checkIntrinsics(ctx, arg, `${where}.${fn}`)
    return
  }
  if (Array.isArray(value)) value.forEach((v, i) => checkIntrinsics(ctx, v, `${where}[${i}]`))
  else if (isRecord(value)) for (const [k, v] of Object.entries(value)) checkIntrinsics(ctx, v, `${where}.${k}`)
}

function checkShape(ctx: Context, shape: Shape, value: unknown, where: string): void {
  if (shape === 'json') return
  // Any intrinsic may stand in for a value of any type (checked by checkIntrinsics).
  if (intrinsicName(value)) return
  if (shape === 'string') {
    if (typeof value !== 'string' && typeof value !== 'number') ctx.problems.push(`${where}: expected a string`)
    return
  }
  if (shape === 'integer') {
    const ok =
      (typeof value === 'number' && Number.isInteger(value)) || (typeof value === 'string' && /^-?\d+$/.test(value))
    if (!ok) ctx.problems.push(`${where}: expected an integer`)
    return
  }
  if (shape === 'boolean') {
    if (typeof value !== 'boolean' && value !== 'true' && value !== 'false')
      ctx.problems.push(`${where}: expected a boolean`)
    return
  }
  if ('enum' in shape) {
    if (!shape.enum.includes(String(value)))
      ctx.problems.push(`${where}: ${String(value)} not one of ${shape.enum.join(', ')}`)
    return
  }
  if ('pattern' in shape) {
    if (typeof value !== 'string' || !shape.pattern.test(value) || value.length > (shape.maxLength ?? Infinity))
      ctx.problems.push(`${where}: ${JSON.stringify(value)} does not match ${shape.pattern}`)
    return
  }
  if ('array' in shape) {
    if (!Array.isArray(value)) return void ctx.problems.push(`${where}: expected a list`)
    value.forEach((v, i) => checkShape(ctx, shape.array, v, `${where}[${i}]`))
    return
  }
  if (!isRecord(value)) return void ctx.problems.push(`${where}: expected an object`)
  for (const [k, v] of Object.entries(value)) {
    const inner = shape.object[k]
    if (!inner) ctx.problems.push(`${where}: unknown property ${k}`)
    else checkShape(ctx, inner, v, `${where}.${k}`)
  }
  for (const r of shape.required ?? []) if (!(r in value)) ctx.problems.push(`${where}: missing required ${r}`)
}

/** Every problem found, as "path: message" lines; empty when the template is valid. */
export function validateTemplate(template: unknown): string[] {
  if (!isRecord(template)) return ['template is not an object']
  const ctx: Context = { template, problems: [] }
  for (const k of Object.keys(template)) if (!TEMPLATE_KEYS.has(k)) ctx.problems.push(`unknown template section ${k}`)
  if (template.AWSTemplateFormatVersion !== '2010-09-09')
    ctx.problems.push('AWSTemplateFormatVersion must be 2010-09-09')
  if (typeof template.Description === 'string' && template.Description.length > 1024)
    ctx.problems.push('Description longer than 1024 characters')
  for (const [name, p] of Object.entries((template.Parameters ?? {}) as Record<string, Record<string, unknown>>)) {
    if (!/^[A-Za-z0-9]+$/.test(name)) ctx.problems.push(`Parameters.${name}: name must be alphanumeric`)
    if (!PARAMETER_TYPES.has(String(p.Type))) ctx.problems.push(`Parameters.${name}: unknown type ${String(p.Type)}`)
  }
  const res = resources(ctx)
  if (Object.keys(res).length === 0) ctx.problems.push('no Resources')
  for (const [id, r] of Object.entries(res)) {
    const where = `Resources.${id}`
    // cfn-lint E3006/E3001: logical IDs are alphanumeric.
    if (!/^[A-Za-z0-9]{1,255}$/.test(id)) ctx.problems.push(`${where}: logical ID must be alphanumeric`)
    for (const k of Object.keys(r))
      if (!RESOURCE_KEYS.has(k)) ctx.problems.push(`${where}: unknown resource attribute ${k}`)
    const spec = RESOURCE_SPEC[String(r.Type)]
    if (!spec) {
      ctx.problems.push(`${where}: resource type ${String(r.Type)} is not in the specification table`)
      continue
    }
    const props = (r.Properties ?? {}) as Record<string, unknown>
    checkShape(ctx, { object: spec.properties, required: spec.required }, props, `${where}.Properties`)
    checkIntrinsics(ctx, props, `${where}.Properties`)
    for (const dep of [r.DependsOn ?? []].flat())
      if (!(String(dep) in res)) ctx.problems.push(`${where}: DependsOn unknown ${String(dep)}`)
    for (const policy of ['DeletionPolicy', 'UpdateReplacePolicy'])
      if (
        r[policy] !== undefined &&
        !['Delete', 'Retain', 'Snapshot', 'RetainExceptOnCreate'].includes(String(r[policy]))
      )
        ctx.problems.push(`${where}: bad ${policy}`)
  }
  for (const [name, o] of Object.entries((template.Outputs ?? {}) as Record<string, Record<string, unknown>>)) {
    if (!/^[A-Za-z0-9]+$/.test(name)) ctx.problems.push(`Outputs.${name}: name must be alphanumeric`)
    if (o.Value === undefined) ctx.problems.push(`Outputs.${name}: no Value`)
    checkIntrinsics(ctx, o.Value, `Outputs.${name}.Value`)
  }
  return ctx.problems
}
