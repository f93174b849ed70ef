// `cloud deploy|diff|status` against the CloudFormation/EC2/SSM stand-in on loopback (signatures
// verified, templates checked against the resource-specification table as CloudFormation would).
import { afterAll, afterEach, beforeEach, describe, expect, test } from 'bun:test'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { CfnTemplate } from '../../../cloud/cfn-types.ts'
import { buildMailStack } from '../../../cloud/mail-stack.ts'
import { type CloudParametersInput, parseCloudParameters } from '../../../cloud/parameters.ts'
import { awsContext } from '../../../src/cloud/aws-context.ts'
import { resolveEndpoints } from '../../../src/cloud/aws-endpoints.ts'
import { getTemplate } from '../../../src/cloud/cloudformation-api.ts'
import { deployStack, type StackDeployDeps } from '../../../src/cloud/stack-deploy.ts'
import { formatStackStatus, stackStatus } from '../../../src/cloud/stack-status.ts'
import { diffTemplates, formatTemplateDiff } from '../../../src/cloud/template-diff.ts'
import { type AwsStub, startAwsStub } from './aws-stub.ts'

const REGION = 'us-east-1'
const KEY = { accessKeyId: 'AKIDSTACKTEST', secretAccessKey: 'stack-secret' }
const INSTANCE = 'i-0aaaaaaaaaaaaaaa1'
const ROOT = path.resolve(import.meta.dir, '../../..')
let stub: AwsStub
let progress: string[]

beforeEach(() => {
  stub = startAwsStub({ ...KEY, region: REGION, instanceId: INSTANCE })
  progress = []
})
afterEach(() => stub.close())

function deps(extra: Partial<CloudParametersInput> = {}): StackDeployDeps {
  const params = parseCloudParameters({
    region: REGION,
    domain: 'example.org',
    hostedZoneId: 'Z0123456789ABCDEFGHIJ',
    endpoints: { cloudformation: stub.url, ec2: stub.url, ssm: stub.url },
    ...extra,
  })
  const ctx = awsContext(REGION, KEY, resolveEndpoints(REGION, params.endpoints, {}), {
    retries: 0,
    sleep: () => Bun.sleep(1),
  })
  return { ctx, params, progress: line => progress.push(line), pollMs: 1 }
}
const deploy = (d: StackDeployDeps) => deployStack(d, buildMailStack(d.params))
async function diff(d: StackDeployDeps) {
  const body = await getTemplate(d.ctx, d.params.stackName)
  return diffTemplates(body === null ? null : (JSON.parse(body) as CfnTemplate), buildMailStack(d.params))
}

describe('cloud deploy', () => {
  test('creates the stack (latest AMI resolved once, CAPABILITY_IAM, OnFailure=DELETE) and waits for it', async () => {
    const d = deps()
    const result = await deploy(d)
    expect(result.action).toBe('created')
    expect(result.stack.status).toBe('CREATE_COMPLETE')
    expect(result.stack.outputs).toMatchObject({
      InstanceId: INSTANCE,
      ArtifactsBucketName: 'mail-artifacts-123456789012',
    })
    const stored = stub.stacks.get('mail')
    expect(stored?.parameters).toEqual({ ImageId: 'ami-0fedcba9876543210' })
    expect(stored?.capabilities).toEqual(['CAPABILITY_IAM'])
    expect(stored?.tags).toEqual({ 'mail-server:stack': 'mail' })
    expect(progress.join('\n')).toContain('/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64')
    // Resource events are printed as they arrive.
    expect(progress.some(l => /CREATE_COMPLETE\s+MailInstance \(AWS::EC2::Instance\)/.test(l))).toBe(true)
    expect(stub.calls.every(c => c.signature === 'ok')).toBe(true)
  })

  test('an unchanged template is "unchanged"; a change updates and keeps the AMI (UsePreviousValue)', async () => {
    await deploy(deps())
    expect((await deploy(deps())).action).toBe('unchanged')
    stub.calls.length = 0
    const updated = await deploy(deps({ instanceType: 't3.medium' }))
    expect(updated.action).toBe('updated')
    expect(updated.stack.status).toBe('UPDATE_COMPLETE')
    expect(stub.stacks.get('mail')?.parameters.ImageId).toBe('ami-0fedcba9876543210')
    expect(stub.calls.map(c => c.operation)).not.toContain('GetParameter')
  })

  test('a pinned AMI is passed as the parameter value', async () => {
    await deploy(deps({ imageId: 'ami-0123456789abcdef0' }))
    expect(stub.stacks.get('mail')?.parameters.ImageId).toBe('ami-0123456789abcdef0')
    expect(stub.calls.map(c => c.operation)).not.toContain('GetParameter')
  })

  test('a failed creation reports the failing resource and its reason', async () => {
    stub.options.failResource = 'MailInstance'
    await expect(deploy(deps())).rejects.toThrow(
      /ended in DELETE_COMPLETE[\s\S]*MailInstance: Resource handler returned message: "stub failure"/,
    )
  })

  test('a busy stack is refused', async () => {
    await deploy(deps())
    const s = stub.stacks.get('mail')
    if (!s) throw new Error('no stack')
    s.status = 'UPDATE_IN_PROGRESS'
    s.pollsLeft = 99
    await expect(deploy(deps())).rejects.toThrow(/is busy \(UPDATE_IN_PROGRESS\)/)
  })
})

describe('cloud diff', () => {
  test('before creation everything is new; after, nothing; then the changed property is shown', async () => {
    const before = await diff(deps())
    expect(before.stackExists).toBe(false)
    await deploy(deps())
    expect((await diff(deps())).hasChanges).toBe(false)
    const changed = await diff(deps({ instanceType: 't3.medium' }))
    expect(changed.resources).toEqual([
      expect.objectContaining({ logicalId: 'MailInstance', action: 'modify', interruption: true, replacement: false }),
    ])
    expect(formatTemplateDiff(changed, 'mail')).toContain('Properties.InstanceType')
  })
})

describe('cloud status', () => {
  test('outputs and the instance state', async () => {
    await deploy(deps())
    const report = await stackStatus(deps().ctx, deps().params)
    expect(report.instance).toMatchObject({ instanceId: INSTANCE, state: 'running', publicIp: '203.0.113.10' })
    const text = formatStackStatus(report)
    expect(text).toContain('status    CREATE_COMPLETE')
    expect(text).toContain(`instance  ${INSTANCE} running (t3.small`)
    expect(text).toMatch(/ArtifactsBucketName\s+mail-artifacts-123456789012/)
  })

  test('no stack: says so', async () => {
    const report = await stackStatus(deps().ctx, deps().params)
    expect(report.stack).toBeNull()
    expect(formatStackStatus(report)).toBe('stack mail does not exist in us-east-1\n')
  })
})

describe('the CLI', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cloud-cli-'))
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))
  fs.writeFileSync(
    path.join(dir, 'mail-cloud.toml'),
    'domain = "example.org"\nhostedZoneId = "Z0123456789ABCDEFGHIJ"\n',
  )

  async function cli(args: string[], env: Record<string, string> = {}) {
    const proc = Bun.spawn([process.execPath, path.join(ROOT, 'src/main.ts'), ...args], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, ...env },
      stdout: 'pipe',
      stderr: 'pipe',
    })
    const [code, stdout, stderr] = await Promise.all([
      proc.exited,
      new Response(proc.stdout).text(),
      new Response(proc.stderr).text(),
    ])
    return { code, stdout, stderr }
  }

  test('cloud synth prints the template as JSON (and --yaml as YAML), without credentials', async () => {
    const json = await cli(['cloud', 'synth'])
    expect(json.stderr).toBe('')
    expect(json.code).toBe(0)
    expect(JSON.parse(json.stdout).Resources.MailInstance.Type).toBe('AWS::EC2::Instance')
    const yaml = await cli(['cloud', 'synth', '--yaml', '--region', 'eu-west-1'])
    expect((Bun.YAML.parse(yaml.stdout) as CfnTemplate).Outputs?.Hostname?.Value).toBe('mail.example.org')
  })

  test('cloud status reaches the endpoint from AWS_ENDPOINT_URL; bad parameters exit 2', async () => {
    const env = {
      AWS_ACCESS_KEY_ID: KEY.accessKeyId,
      AWS_SECRET_ACCESS_KEY: KEY.secretAccessKey,
      AWS_ENDPOINT_URL: stub.url,
    }
    const missing = await cli(['cloud', 'status'], env)
    expect(missing.stdout).toContain('stack mail does not exist in us-east-1')
    expect(missing.code).toBe(1)
    const bad = await cli(['cloud', 'status', '--region', 'nowhere'], env)
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain('region:')
    const noCreds = await cli(['cloud', 'status'], { AWS_ENDPOINT_URL: stub.url })
    expect(noCreds.code).toBe(1)
    expect(noCreds.stderr).toContain('no AWS credentials')
  }, 20_000)
})
