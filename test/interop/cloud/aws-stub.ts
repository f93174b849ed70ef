// A loopback stand-in for the AWS APIs the cloud commands use. Every request must carry a valid
// SigV4 signature (recomputed by ./sigv4-verify.ts, header or presigned); the credential scope's
// service picks the handler:
//   s3              forwarded to s3rver (re-signed with s3rver's own key)
//   cloudformation  an in-memory stack model: Create/Update/DescribeStacks/Events/GetTemplate
//   ec2             DescribeInstances for the stack's instance
//   ssm             SendCommand RUNS the script (through `runScript`, i.e. in a sandbox),
//                   GetCommandInvocation reports it; GetParameter answers the latest-AMI names
import { AwsClient } from 'aws4fetch'
import { validateTemplate } from '../../unit/cloud/cfn-spec.ts'
import { type SigV4Result, verifySigV4 } from './sigv4-verify.ts'

export interface StubCall {
  service: string
  operation: string
  /** 'ok', or the verifier's error code. */
  signature: string
  presigned: boolean
}

export interface StubStack {
  stackId: string
  name: string
  status: string
  template: string
  parameters: Record<string, string>
  outputs: Record<string, string>
  capabilities: string[]
  tags: Record<string, string>
  /** Newest first. */
  events: { id: string; time: string; logicalId: string; type: string; status: string; reason?: string }[]
  /** DescribeStacks polls left before the operation settles. */
  pollsLeft: number
  pending?: { kind: 'create' | 'update'; fail?: string }
}

export interface AwsStubOptions {
  accessKeyId: string
  secretAccessKey: string
  region: string
  /** s3rver's base URL; its built-in S3RVER/S3RVER key signs the forwarded requests. */
  s3Upstream?: string
  instanceId: string
  /** Runs an SSM shell script "on the instance". */
  runScript?: (script: string) => Promise<{ code: number; stdout: string; stderr: string }>
  now?: () => Date
  /** Logical ID whose creation fails (then the stack is deleted: OnFailure=DELETE). */
  failResource?: string
}

export interface AwsStub {
  url: string
  calls: StubCall[]
  stacks: Map<string, StubStack>
  /** Scripts SendCommand received, in order. */
  scripts: string[]
  options: AwsStubOptions
  close(): void
}

const xmlEscape = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;')
const xml = (body: string, status = 200) =>
  new Response(`<?xml version="1.0" encoding="UTF-8"?>\n${body}`, { status, headers: { 'content-type': 'text/xml' } })
const CFN_NS = 'http://cloudformation.amazonaws.com/doc/2010-05-15/'

const cfnError = (code: string, message: string, status = 400) =>
  xml(
    `<ErrorResponse xmlns="${CFN_NS}"><Error><Type>Sender</Type><Code>${code}</Code><Message>${xmlEscape(message)}</Message></Error><RequestId>stub</RequestId></ErrorResponse>`,
    status,
  )
const jsonError = (type: string, message: string, status = 400) =>
  Response.json({ __type: type, message }, { status, headers: { 'content-type': 'application/x-amz-json-1.1' } })

function authError(service: string, v: Extract<SigV4Result, { ok: false }>): Response {
  if (service === 'ssm') return jsonError(v.code, v.reason, 403)
  if (service === 's3')
    return xml(`<Error><Code>${v.code}</Code><Message>${xmlEscape(v.reason)}</Message></Error>`, 403)
  return cfnError(v.code, v.reason, 403)
}

/** The service named in the credential scope (header or presigned query), before verification. */
function scopeService(url: URL, headers: Headers): string {
  const credential =
    url.searchParams.get('X-Amz-Credential') ?? /Credential=([^,\s]+)/.exec(headers.get('authorization') ?? '')?.[1]
  return credential?.split('/')[3] ?? 'unknown'
}

const members = (prefix: string, form: URLSearchParams) => {
  const out: string[] = []
  for (let i = 1; form.has(`${prefix}.member.${i}`); i++) out.push(form.get(`${prefix}.member.${i}`) as string)
  return out
}

/** Fake physical ids for a template's outputs. */
function resolveOutputs(template: Record<string, unknown>, instanceId: string): Record<string, string> {
  const physical: Record<string, string> = {
    MailInstance: instanceId,
    ArtifactsBucket: 'mail-artifacts-123456789012',
    BackupsBucket: 'mail-backups-123456789012',
    MailElasticIp: '203.0.113.10',
  }
  const value = (v: unknown): string => {
    if (typeof v === 'string') return v
    const o = v as Record<string, unknown>
    if (typeof o.Ref === 'string') return physical[o.Ref] ?? `${o.Ref}-physical`
    const getAtt = o['Fn::GetAtt'] as string[] | undefined
    if (getAtt) return `${getAtt[0]}.${getAtt[1]}`
    return JSON.stringify(v)
  }
  const outputs = (template.Outputs ?? {}) as Record<string, { Value: unknown }>
  return Object.fromEntries(Object.entries(outputs).map(([k, o]) => [k, value(o.Value)]))
}

export function startAwsStub(options: AwsStubOptions): AwsStub {
  const now = options.now ?? (() => new Date())
  const calls: StubCall[] = []
  const stacks = new Map<string, StubStack>()
  const scripts: string[] = []
  const commands = new Map<string, { polled: number; done?: { code: number; stdout: string; stderr: string } }>()
  const keys = new Map([[options.accessKeyId, options.secretAccessKey]])
  let counter = 0

  const findStack = (nameOrId: string) =>
    stacks.get(nameOrId) ??
    [...stacks.values()].find(s => s.stackId === nameOrId && s.status !== 'DELETE_COMPLETE') ??
    [...stacks.values()].find(s => s.stackId === nameOrId)
  const liveStack = (name: string) => {
    const s = findStack(name)
    return s && (s.status !== 'DELETE_COMPLETE' || name === s.stackId) ? s : undefined
  }
  const event = (s: StubStack, logicalId: string, type: string, status: string, reason?: string) =>
    s.events.unshift({ id: `ev-${++counter}`, time: now().toISOString(), logicalId, type, status, reason })

  /** One DescribeStacks poll moves a pending operation along; it settles when pollsLeft reaches 0. */
  function advance(s: StubStack): void {
    if (!s.pending) return
    if (--s.pollsLeft > 0) return
    const verb = s.pending.kind === 'create' ? 'CREATE' : 'UPDATE'
    const resources = Object.entries((JSON.parse(s.template).Resources ?? {}) as Record<string, { Type: string }>)
    for (const [id, r] of resources) {
      event(s, id, r.Type, `${verb}_IN_PROGRESS`)
      if (s.pending.fail === id) {
        event(s, id, r.Type, `${verb}_FAILED`, 'Resource handler returned message: "stub failure"')
        event(s, s.name, 'AWS::CloudFormation::Stack', 'DELETE_COMPLETE')
        s.status = 'DELETE_COMPLETE'
        s.pending = undefined
        return
      }
      event(s, id, r.Type, `${verb}_COMPLETE`)
    }
    event(s, s.name, 'AWS::CloudFormation::Stack', `${verb}_COMPLETE`)
    s.status = `${verb}_COMPLETE`
    s.outputs = resolveOutputs(JSON.parse(s.template), options.instanceId)
    s.pending = undefined
  }

  function stackXml(s: StubStack): string {
    const pairs = (list: Record<string, string>, key: string, value: string) =>
      Object.entries(list)
        .map(([k, v]) => `<member><${key}>${xmlEscape(k)}</${key}><${value}>${xmlEscape(v)}</${value}></member>`)
        .join('')
    return `<member><StackId>${s.stackId}</StackId><StackName>${s.name}</StackName><StackStatus>${s.status}</StackStatus><CreationTime>2026-01-01T00:00:00Z</CreationTime><Outputs>${pairs(s.outputs, 'OutputKey', 'OutputValue')}</Outputs><Parameters>${pairs(s.parameters, 'ParameterKey', 'ParameterValue')}</Parameters></member>`
  }

  function stackChange(form: URLSearchParams, previous?: StubStack): StubStack | Response {
    const body = form.get('TemplateBody') ?? ''
    let template: Record<string, unknown>
    try {
      template = JSON.parse(body)
    } catch {
      return cfnError('ValidationError', 'Template format error: JSON not well-formed.')
    }
    const problems = validateTemplate(template)
    if (problems.length > 0) return cfnError('ValidationError', `Template format error: ${problems.join('; ')}`)
    const parameters: Record<string, string> = {}
    for (let i = 1; form.has(`Parameters.member.${i}.ParameterKey`); i++) {
      const key = form.get(`Parameters.member.${i}.ParameterKey`) as string
      if (form.get(`Parameters.member.${i}.UsePreviousValue`) === 'true') {
        const old = previous?.parameters[key]
        if (old === undefined)
          return cfnError(
            'ValidationError',
            `Invalid input for parameter key ${key}. Cannot specify usePreviousValue as true for a parameter key not in the previous template`,
          )
        parameters[key] = old
      } else parameters[key] = form.get(`Parameters.member.${i}.ParameterValue`) ?? ''
    }
    const declared = (template.Parameters ?? {}) as Record<string, { Default?: string }>
    const missing = Object.entries(declared).filter(([k, p]) => parameters[k] === undefined && p.Default === undefined)
    if (missing.length > 0)
      return cfnError('ValidationError', `Parameters: [${missing.map(([k]) => k).join(', ')}] must have values`)
    for (const [k, p] of Object.entries(declared))
      if (parameters[k] === undefined && p.Default !== undefined) parameters[k] = String(p.Default)
    const capabilities = members('Capabilities', form)
    const needsIam = Object.values((template.Resources ?? {}) as Record<string, { Type: string }>).some(r =>
      r.Type.startsWith('AWS::IAM::'),
    )
    if (needsIam && !capabilities.includes('CAPABILITY_IAM') && !capabilities.includes('CAPABILITY_NAMED_IAM'))
      return cfnError('InsufficientCapabilitiesException', 'Requires capabilities : [CAPABILITY_IAM]')
    const tags: Record<string, string> = {}
    for (let i = 1; form.has(`Tags.member.${i}.Key`); i++)
      tags[form.get(`Tags.member.${i}.Key`) as string] = form.get(`Tags.member.${i}.Value`) ?? ''
    const name = form.get('StackName') as string
    return {
      stackId:
        previous?.stackId ??
        `arn:aws:cloudformation:${options.region}:123456789012:stack/${name}/${crypto.randomUUID()}`,
      name,
      status: previous ? 'UPDATE_IN_PROGRESS' : 'CREATE_IN_PROGRESS',
      template: body,
      parameters,
      outputs: previous?.outputs ?? {},
      capabilities,
      tags,
      events: previous?.events ?? [],
      pollsLeft: 2,
      pending: { kind: previous ? 'update' : 'create', fail: options.failResource },
    }
  }

  function cloudformation(form: URLSearchParams): Response {
    const action = form.get('Action') ?? ''
    if (form.get('Version') !== '2010-05-15') return cfnError('InvalidParameterValue', 'bad Version')
    const name = form.get('StackName') ?? ''
    const notFound = () => cfnError('ValidationError', `Stack with id ${name} does not exist`)
    switch (action) {
      case 'DescribeStacks': {
        const s = liveStack(name)
        if (!s) return notFound()
        advance(s)
        return xml(
          `<DescribeStacksResponse xmlns="${CFN_NS}"><DescribeStacksResult><Stacks>${stackXml(s)}</Stacks></DescribeStacksResult></DescribeStacksResponse>`,
        )
      }
      case 'DescribeStackEvents': {
        const s = liveStack(name)
        if (!s) return notFound()
        const events = s.events
          .map(
            e =>
              `<member><EventId>${e.id}</EventId><StackName>${s.name}</StackName><LogicalResourceId>${e.logicalId}</LogicalResourceId><ResourceType>${e.type}</ResourceType><Timestamp>${e.time}</Timestamp><ResourceStatus>${e.status}</ResourceStatus>${e.reason ? `<ResourceStatusReason>${xmlEscape(e.reason)}</ResourceStatusReason>` : ''}</member>`,
          )
          .join('')
        return xml(
          `<DescribeStackEventsResponse xmlns="${CFN_NS}"><DescribeStackEventsResult><StackEvents>${events}</StackEvents></DescribeStackEventsResult></DescribeStackEventsResponse>`,
        )
      }
      case 'GetTemplate': {
        const s = liveStack(name)
        if (!s || s.status === 'DELETE_COMPLETE') return notFound()
        return xml(
          `<GetTemplateResponse xmlns="${CFN_NS}"><GetTemplateResult><TemplateBody>${xmlEscape(s.template)}</TemplateBody></GetTemplateResult></GetTemplateResponse>`,
        )
      }
      case 'CreateStack': {
        const existing = stacks.get(name)
        if (existing && existing.status !== 'DELETE_COMPLETE')
          return cfnError('AlreadyExistsException', `Stack [${name}] already exists`)
        if (form.get('OnFailure') !== 'DELETE') return cfnError('ValidationError', 'stub expects OnFailure=DELETE')
        const s = stackChange(form)
        if (s instanceof Response) return s
        event(s, name, 'AWS::CloudFormation::Stack', 'CREATE_IN_PROGRESS', 'User Initiated')
        stacks.set(name, s)
        return xml(
          `<CreateStackResponse xmlns="${CFN_NS}"><CreateStackResult><StackId>${s.stackId}</StackId></CreateStackResult></CreateStackResponse>`,
        )
      }
      case 'UpdateStack': {
        const previous = liveStack(name)
        if (!previous || previous.status === 'DELETE_COMPLETE') return notFound()
        const s = stackChange(form, previous)
        if (s instanceof Response) return s
        if (s.template === previous.template && JSON.stringify(s.parameters) === JSON.stringify(previous.parameters))
          return cfnError('ValidationError', 'No updates are to be performed.')
        event(s, name, 'AWS::CloudFormation::Stack', 'UPDATE_IN_PROGRESS', 'User Initiated')
        stacks.set(name, s)
        return xml(
          `<UpdateStackResponse xmlns="${CFN_NS}"><UpdateStackResult><StackId>${s.stackId}</StackId></UpdateStackResult></UpdateStackResponse>`,
        )
      }
    }
    return cfnError('InvalidAction', `stub does not implement ${action}`)
  }

  function ec2(form: URLSearchParams): Response {
    if (form.get('Action') !== 'DescribeInstances' || form.get('Version') !== '2016-11-15')
      return xml(
        `<Response><Errors><Error><Code>InvalidAction</Code><Message>unsupported</Message></Error></Errors></Response>`,
        400,
      )
    const wanted = [...form.entries()].filter(([k]) => k.startsWith('InstanceId.')).map(([, v]) => v)
    const unknown = wanted.find(id => id !== options.instanceId)
    if (unknown)
      return xml(
        `<Response><Errors><Error><Code>InvalidInstanceID.NotFound</Code><Message>The instance ID '${unknown}' does not exist</Message></Error></Errors><RequestID>stub</RequestID></Response>`,
        400,
      )
    return xml(
      `<DescribeInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>stub</requestId><reservationSet><item><reservationId>r-0123</reservationId><instancesSet><item><instanceId>${options.instanceId}</instanceId><imageId>ami-0fedcba9876543210</imageId><instanceState><code>16</code><name>running</name></instanceState><instanceType>t3.small</instanceType><placement><availabilityZone>${options.region}a</availabilityZone></placement><privateIpAddress>172.31.0.10</privateIpAddress><ipAddress>203.0.113.10</ipAddress><launchTime>2026-01-01T00:00:00.000Z</launchTime></item></instancesSet></item></reservationSet></DescribeInstancesResponse>`,
    )
  }

  async function ssm(target: string, payload: Record<string, unknown>): Promise<Response> {
    switch (target) {
      case 'AmazonSSM.SendCommand': {
        const ids = payload.InstanceIds as string[]
        if (payload.DocumentName !== 'AWS-RunShellScript')
          return jsonError('InvalidDocument', 'stub runs AWS-RunShellScript only')
        if (!Array.isArray(ids) || ids.length !== 1 || ids[0] !== options.instanceId)
          return jsonError(
            'InvalidInstanceId',
            `Instances [${String(ids)}] not in a valid state for account 123456789012`,
          )
        const lines = (payload.Parameters as { commands?: unknown })?.commands
        if (!Array.isArray(lines) || !lines.every(l => typeof l === 'string'))
          return jsonError('InvalidParameters', 'commands must be a list of strings')
        const script = lines.join('\n')
        scripts.push(script)
        const id = crypto.randomUUID()
        const entry: { polled: number; done?: { code: number; stdout: string; stderr: string } } = { polled: 0 }
        commands.set(id, entry)
        if (!options.runScript) throw new Error('stub has no runScript')
        void options.runScript(script).then(done => {
          entry.done = done
        })
        return Response.json({ Command: { CommandId: id, DocumentName: 'AWS-RunShellScript', Status: 'Pending' } })
      }
      case 'AmazonSSM.GetCommandInvocation': {
        const entry = commands.get(String(payload.CommandId))
        if (!entry || payload.InstanceId !== options.instanceId) return jsonError('InvalidCommandId', 'unknown command')
        // Right after SendCommand the real API answers InvocationDoesNotExist for a moment.
        if (entry.polled++ === 0) return jsonError('InvocationDoesNotExist', 'invocation not yet available')
        if (!entry.done) return Response.json({ CommandId: payload.CommandId, Status: 'InProgress', ResponseCode: -1 })
        return Response.json({
          CommandId: payload.CommandId,
          InstanceId: options.instanceId,
          Status: entry.done.code === 0 ? 'Success' : 'Failed',
          ResponseCode: entry.done.code,
          // SSM truncates output to 24,000 characters.
          StandardOutputContent: entry.done.stdout.slice(0, 24_000),
          StandardErrorContent: entry.done.stderr.slice(0, 8_000),
        })
      }
      case 'AmazonSSM.GetParameter': {
        const name = String(payload.Name)
        if (!name.startsWith('/aws/service/')) return jsonError('ParameterNotFound', name)
        return Response.json({ Parameter: { Name: name, Type: 'String', Value: 'ami-0fedcba9876543210' } })
      }
    }
    return jsonError('UnknownOperationException', target)
  }

  async function s3(req: Request, url: URL, body: Uint8Array): Promise<Response> {
    if (!options.s3Upstream) return xml('<Error><Code>NotImplemented</Code></Error>', 501)
    const upstream = new URL(options.s3Upstream)
    upstream.pathname = url.pathname
    for (const [k, v] of url.searchParams) if (!k.startsWith('X-Amz-')) upstream.searchParams.append(k, v)
    const headers = new Headers()
    for (const name of ['content-type', 'x-amz-copy-source', 'range']) {
      const v = req.headers.get(name)
      if (v) headers.set(name, v)
    }
    const signer = new AwsClient({
      accessKeyId: 'S3RVER',
      secretAccessKey: 'S3RVER',
      service: 's3',
      region: options.region,
      retries: 0,
    })
    const res = await signer.fetch(upstream.toString(), {
      method: req.method,
      headers,
      body: req.method === 'GET' || req.method === 'HEAD' ? undefined : body,
    })
    const out = new Headers()
    for (const name of ['etag', 'content-type', 'x-amz-version-id', 'content-length']) {
      const v = res.headers.get(name)
      if (v) out.set(name, v)
    }
    return new Response(await res.arrayBuffer(), { status: res.status, headers: out })
  }

  const server = Bun.serve({
    hostname: '127.0.0.1',
    port: 0,
    async fetch(req) {
      const url = new URL(req.url)
      const body = new Uint8Array(await req.arrayBuffer())
      const service = scopeService(url, req.headers)
      const verdict = verifySigV4(req.method, url, req.headers, body, { keys, region: options.region, now })
      const text = new TextDecoder().decode(body)
      const form = req.headers.get('content-type')?.startsWith('application/x-www-form-urlencoded')
        ? new URLSearchParams(text)
        : null
      const target = req.headers.get('x-amz-target') ?? ''
      const operation =
        form?.get('Action') ?? (target ? target.replace(/^AmazonSSM\./, '') : `${req.method} ${url.pathname}`)
      calls.push({
        service,
        operation,
        signature: verdict.ok ? 'ok' : verdict.code,
        presigned: url.searchParams.has('X-Amz-Signature'),
      })
      if (!verdict.ok) return authError(service, verdict)
      if (verdict.service === 's3') return s3(req, url, body)
      if (verdict.service === 'cloudformation' && form) return cloudformation(form)
      if (verdict.service === 'ec2' && form) return ec2(form)
      if (verdict.service === 'ssm') {
        if (req.headers.get('content-type') !== 'application/x-amz-json-1.1')
          return jsonError('SerializationException', 'bad content type')
        return ssm(target, JSON.parse(text || '{}'))
      }
      return cfnError('UnknownService', `no handler for ${verdict.service}`)
    },
  })

  return {
    url: `http://127.0.0.1:${server.port}`,
    calls,
    stacks,
    scripts,
    options,
    close: () => server.stop(true),
  }
}
