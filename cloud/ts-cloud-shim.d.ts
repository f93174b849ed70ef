// Types for the parts of @stacksjs/ts-cloud 0.2.3 this stack uses: its index.d.ts re-exports
// modules missing from the tarball, so tsc sees none of these (shared notes, stacks-tooling §3).
export {}

type Json = import('./cfn-types.ts').CfnValue
type Resource = import('./cfn-types.ts').CfnResource & { Properties: Record<string, Json> }
interface Named {
  slug: string
  environment: string
}

declare module '@stacksjs/ts-cloud' {
  export class TemplateBuilder {
    constructor(description?: string)
    addResource(logicalId: string, resource: import('./cfn-types.ts').CfnResource): this
    addParameter(name: string, parameter: import('./cfn-types.ts').CfnParameter): this
    addOutput(name: string, output: import('./cfn-types.ts').CfnOutput): this
    build(): import('./cfn-types.ts').CfnTemplate
  }

  export const Fn: {
    ref(logicalId: string): { Ref: string }
    getAtt(logicalId: string, attribute: string): { 'Fn::GetAtt': [string, string] }
    sub(template: string, variables?: Record<string, Json>): Json
    join(delimiter: string, values: Json[]): Json
    base64(value: Json): Json
    select(index: number, list: Json): Json
    getAZs(region?: string): Json
  }

  export class Compute {
    static createSecurityGroup(
      options: Named & {
        vpcId?: string
        description?: string
        ingress?: { protocol: string; fromPort: number; toPort: number; cidr: string }[]
      },
    ): { securityGroup: Resource; logicalId: string }
    static createServer(
      options: Named & {
        instanceType?: string
        imageId?: string
        keyName?: string
        securityGroupIds?: Json[]
        subnetId?: string
        userData?: Json
        volumeSize?: number
        volumeType?: string
        encrypted?: boolean
      },
    ): { instance: Resource; logicalId: string }
    static createElasticIp(options: Named & { domain?: string; instanceLogicalId?: string }): {
      eip: Resource
      eipAssociation?: Resource
      eipLogicalId: string
      associationLogicalId?: string
    }
  }

  export class Permissions {
    static createRole(
      options: Named & { roleName?: string; servicePrincipal?: string | string[]; managedPolicyArns?: string[] },
    ): { role: Resource; logicalId: string }
    static createInstanceProfile(
      roleLogicalId: string,
      options: Named & { profileName?: string },
    ): { instanceProfile: Resource; logicalId: string }
  }

  export class Storage {
    static createBucket(
      options: Named & { name: string; versioning?: boolean; encryption?: boolean; public?: boolean },
    ): { bucket: Resource; logicalId: string }
  }

  export class DNS {
    static createRecord(options: {
      hostedZoneId?: string
      name: string
      type: string
      ttl?: number
      values?: Json[]
    }): { record: Resource; logicalId: string }
    static createMxRecords(
      domain: string,
      servers: { priority: number; server: string }[],
      hostedZoneId: string,
      ttl?: number,
    ): { record: Resource; logicalId: string }
  }

  export class Email {
    static verifyDomain(
      options: Named & { domain: string; enableDkim?: boolean; dkimKeyLength?: 'RSA_1024_BIT' | 'RSA_2048_BIT' },
    ): { emailIdentity: Resource; logicalId: string }
  }
}
