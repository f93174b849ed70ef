// The slice of the CloudFormation template format this project produces and compares.
export type CfnValue = string | number | boolean | null | CfnValue[] | { [key: string]: CfnValue }

export interface CfnResource {
  Type: string
  Properties?: Record<string, CfnValue>
  DependsOn?: string | string[]
  DeletionPolicy?: 'Delete' | 'Retain' | 'Snapshot' | 'RetainExceptOnCreate'
  UpdateReplacePolicy?: 'Delete' | 'Retain' | 'Snapshot'
  Condition?: string
  Metadata?: Record<string, CfnValue>
}

export interface CfnParameter {
  Type: string
  Description?: string
  Default?: string | number
  AllowedPattern?: string
  AllowedValues?: (string | number)[]
  ConstraintDescription?: string
}

export interface CfnOutput {
  Description?: string
  Value: CfnValue
  Export?: { Name: CfnValue }
}

export interface CfnTemplate {
  AWSTemplateFormatVersion: '2010-09-09'
  Description?: string
  Parameters?: Record<string, CfnParameter>
  Conditions?: Record<string, CfnValue>
  Resources: Record<string, CfnResource>
  Outputs?: Record<string, CfnOutput>
}
