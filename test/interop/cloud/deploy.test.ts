// `mail-server deploy` end to end on loopback: the binary goes to s3rver (through a stub that
// verifies every SigV4 signature), the SSM stub runs the generated script in a sandbox standing in
// for the instance, and the outcome is read back from the sandbox's running service.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'bun:test'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import S3rver from 's3rver'
import { type CloudParameters, parseCloudParameters } from '../../../cloud/parameters.ts'
import { type AwsContext, awsContext } from '../../../src/cloud/aws-context.ts'
import { resolveEndpoints } from '../../../src/cloud/aws-endpoints.ts'
import { AwsApiError } from '../../../src/cloud/aws-error.ts'
import { deployRelease, type ReleaseDeps, rollbackRelease, tailLogs } from '../../../src/cloud/release-deploy.ts'
import { type AwsStub, startAwsStub } from './aws-stub.ts'
import { createSandbox, type Sandbox } from './deploy-sandbox.ts'

const REGION = 'eu-central-1'
const INSTANCE = 'i-0123456789abcdef0'
const BUCKET = 'mail-artifacts-123456789012'
const KEY = { accessKeyId: 'AKIDDEPLOYTEST', secretAccessKey: 'deploy/test+secret' }
const ROOT = path.resolve(import.meta.dir, '../../..')

let s3dir: string
let s3: { close(): Promise<void> }
let s3url: string
let stub: AwsStub
let sandbox: Sandbox
let progress: string[]

beforeAll(async () => {
  s3dir = fs.mkdtempSync(path.join(os.tmpdir(), 'deploy-s3-'))
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory: s3dir,
    configureBuckets: [{ name: BUCKET }],
  })
  const info = (await server.run()) as { port: number }
  s3 = server
  s3url = `http://127.0.0.1:${info.port}`
  stub = startAwsStub({
    ...KEY,
    region: REGION,
    s3Upstream: s3url,
    instanceId: INSTANCE,
    runScript: script => sandbox.runScript(script),
  })
  stub.stacks.set('mail', {
    stackId: `arn:aws:cloudformation:${REGION}:123456789012:stack/mail/1`,
    name: 'mail',
    status: 'CREATE_COMPLETE',
    template: '{}',
    parameters: {},
    outputs: { InstanceId: INSTANCE, ArtifactsBucketName: BUCKET },
    capabilities: [],
    tags: {},
    events: [],
    pollsLeft: 0,
  })
})
afterAll(async () => {
  stub.close()
  await s3.close()
  fs.rmSync(s3dir, { recursive: true, force: true })
})
beforeEach(async () => {
  sandbox = await createSandbox()
  stub.calls.length = 0
  progress = []
})
afterEach(() => sandbox.cleanup())

function params(): CloudParameters {
  return parseCloudParameters({
    region: REGION,
    domain: 'example.org',
    hostedZoneId: 'Z0123456789ABCDEFGHIJ',
    install: {
      dir: path.dirname(sandbox.binaryPath),
      binaryOwner: sandbox.layout.binaryOwner,
      healthUrl: sandbox.layout.healthUrl,
      healthAttempts: sandbox.layout.healthAttempts,
      healthIntervalSeconds: sandbox.layout.healthIntervalSeconds,
      deployLog: sandbox.layout.logFile,
    },
    endpoints: { cloudformation: stub.url, ec2: stub.url, ssm: stub.url, s3: stub.url },
  })
}

function deps(credentials = KEY): ReleaseDeps {
  const p = params()
  const ctx: AwsContext = awsContext(REGION, credentials, resolveEndpoints(REGION, p.endpoints, {}), {
    retries: 0,
    sleep: ms => Bun.sleep(Math.min(ms, 10)),
  })
  return { ctx, params: p, progress: line => progress.push(line), pollMs: 20 }
}

const s3object = async (key: string) => {
  const file = Bun.file(path.join(s3dir, BUCKET, `${key}._S3rver_object`))
  return (await file.exists()) ? await file.text() : null
}
const operations = () => stub.calls.map(c => `${c.service} ${c.operation}${c.presigned ? ' (presigned)' : ''}`)

describe('deploy', () => {
  test('a healthy build: uploaded, downloaded by presigned URL, swapped in, health-checked, promoted', async () => {
    await sandbox.installCurrent('good', '1.0.0')
    const binary = sandbox.release('good', '2.0.0')
    const run = await deployRelease(deps(), binary)

    expect(run.result).toBe('deployed')
    expect(run.status).toBe('Success')
    expect(run.instanceId).toBe(INSTANCE)
    expect(await sandbox.healthz()).toEqual({ status: 200, version: '2.0.0' })
    expect(fs.readFileSync(`${sandbox.binaryPath}.bak`, 'utf8')).toContain('fake mail-server 1.0.0')
    expect(run.output).toContain('backed up the current binary')

    // The release under its checksum, and promoted to the key a new instance installs at first boot.
    const uploaded = fs.readFileSync(binary, 'utf8')
    expect(run.key).toBe(`deploy/mail-server-${run.sha256.slice(0, 12)}`)
    expect(await s3object(run.key)).toBe(uploaded)
    expect(run.promoted).toBe(true)
    expect(await s3object('deploy/mail-server')).toBe(uploaded)

    // Instance and bucket from the stack outputs; every request signed and verified.
    const order = [
      'cloudformation DescribeStacks',
      `s3 PUT /${BUCKET}/${run.key}`,
      'ssm SendCommand',
      `s3 GET /${BUCKET}/${run.key} (presigned)`,
      `s3 PUT /${BUCKET}/deploy/mail-server`,
    ].map(op => operations().indexOf(op))
    expect(order.every(i => i >= 0)).toBe(true)
    expect([...order].sort((a, b) => a - b)).toEqual(order)
    expect(stub.calls.every(c => c.signature === 'ok')).toBe(true)
    // The presigned URL never appears in progress output.
    expect(progress.join('\n')).not.toContain('X-Amz-Signature')
  })

  test.each(['bad-health', 'crash'] as const)(
    'an unhealthy build (%s) is rolled back automatically: the old binary is back and running',
    async kind => {
      await sandbox.installCurrent('good', '1.0.0')
      const before = await s3object('deploy/mail-server')
      const run = await deployRelease(deps(), sandbox.release(kind, '3.0.0'))

      expect(run.result).toBe('rolled-back')
      expect(run.status).toBe('Failed')
      expect(run.responseCode).toBe(1)
      expect(fs.readFileSync(sandbox.binaryPath, 'utf8')).toContain('fake mail-server 1.0.0 (good)')
      expect(await sandbox.healthz()).toEqual({ status: 200, version: '1.0.0' })
      expect(run.output).toContain('rolling back')
      // Not promoted: a replacement instance would not install the failed build.
      expect(run.promoted).toBe(false)
      expect(await s3object('deploy/mail-server')).toBe(before)
    },
  )

  test('a build for the wrong CPU is refused before anything is uploaded', async () => {
    const elf = path.join(sandbox.root, 'arm64-build')
    const header = new Uint8Array(64)
    header.set([0x7f, 0x45, 0x4c, 0x46, 2, 1])
    header.set([0xb7, 0], 18)
    fs.writeFileSync(elf, header)
    await expect(deployRelease(deps(), elf)).rejects.toThrow(/built for arm64 but the instance is x86_64/)
    expect(stub.calls).toEqual([])
  })

  test('a missing binary names the build command', async () => {
    await expect(deployRelease(deps(), path.join(sandbox.root, 'nope'))).rejects.toThrow(/bun run build/)
  })
})

describe('deploy --rollback and deploy logs', () => {
  test('--rollback with an explicit instance swaps the backup in without asking CloudFormation', async () => {
    await sandbox.installCurrent('good', '1.0.0')
    expect((await deployRelease(deps(), sandbox.release('good', '2.0.0'))).result).toBe('deployed')
    stub.calls.length = 0
    const run = await rollbackRelease(deps(), INSTANCE)
    expect(run.result).toBe('rolled-back')
    expect(await sandbox.healthz()).toEqual({ status: 200, version: '1.0.0' })
    expect(stub.calls.map(c => c.service)).not.toContain('cloudformation')
  })

  test('logs tails the journal through SSM', async () => {
    await sandbox.installCurrent('good', '1.0.0')
    const run = await tailLogs(deps(), 50)
    expect(run.result).toBe('logs')
    expect(run.output).toContain('fake mail-server 1.0.0 (good) listening on')
    expect(stub.scripts.at(-1)).toContain('journalctl -u "$SERVICE" --no-pager -o short-iso -n 50')
  })

  test.each([0, 10_001, 1.5])('logs --lines %p is a usage error', async lines => {
    await expect(tailLogs(deps(), lines)).rejects.toThrow(/expected 1 to 10000/)
  })
})

describe('the stub checks signatures', () => {
  test('a wrong secret is rejected, and the client reports the AWS error code', async () => {
    const bad = deps({ ...KEY, secretAccessKey: 'wrong' })
    const error = await rollbackRelease(bad).catch(e => e)
    expect(error).toBeInstanceOf(AwsApiError)
    expect((error as AwsApiError).awsCode).toBe('SignatureDoesNotMatch')
    expect(stub.calls.at(-1)?.signature).toBe('SignatureDoesNotMatch')
  })

  test('an unknown access key is rejected', async () => {
    const error = await tailLogs(deps({ accessKeyId: 'AKIDOTHER', secretAccessKey: 'x' }), 5, INSTANCE).catch(e => e)
    expect((error as AwsApiError).awsCode).toBe('InvalidClientTokenId')
  })

  test('an unsigned request and a tampered presigned URL are refused', async () => {
    expect((await fetch(`${stub.url}/`, { method: 'POST', body: 'Action=DescribeStacks' })).status).toBe(403)
    const { presignGet } = await import('../../../src/cloud/s3-api.ts')
    const d = deps()
    const url = await presignGet(d.ctx, BUCKET, 'deploy/mail-server', 60)
    expect((await fetch(url.replace('deploy/mail-server', 'deploy/other'))).status).toBe(403)
    expect(stub.calls.at(-1)?.signature).toBe('SignatureDoesNotMatch')
  })

  test('an unknown instance is an SSM error', async () => {
    const error = await tailLogs(deps(), 5, 'i-0fffffffffffffff0').catch(e => e)
    expect((error as AwsApiError).awsCode).toBe('InvalidInstanceId')
  })
})

test('the CLI: `mail-server deploy` exits 1 and says the build was rolled back', async () => {
  await sandbox.installCurrent('good', '1.0.0')
  const p = params()
  const file = path.join(sandbox.root, 'mail-cloud.toml')
  fs.writeFileSync(
    file,
    `region = "${REGION}"\ndomain = "example.org"\nhostedZoneId = "Z0123456789ABCDEFGHIJ"\n[install]\n${Object.entries(
      p.install,
    )
      .map(([k, v]) => `${k} = ${JSON.stringify(v)}`)
      .join('\n')}\n`,
  )
  const proc = Bun.spawn(
    [
      process.execPath,
      path.join(ROOT, 'src/main.ts'),
      'deploy',
      '--params',
      file,
      '--binary',
      sandbox.release('bad-health', '9.9.9'),
    ],
    {
      cwd: sandbox.root,
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: sandbox.root,
        AWS_ACCESS_KEY_ID: KEY.accessKeyId,
        AWS_SECRET_ACCESS_KEY: KEY.secretAccessKey,
        AWS_ENDPOINT_URL: stub.url,
      },
      stdout: 'pipe',
      stderr: 'pipe',
    },
  )
  const [code, stdout, stderr] = await Promise.all([
    proc.exited,
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
  ])
  expect(stderr).toContain('the new binary failed its health check; the previous binary was restored and is running')
  expect(code).toBe(1)
  expect(stdout).toContain('rolling back')
  expect(await sandbox.healthz()).toEqual({ status: 200, version: '1.0.0' })
}, 20_000)
