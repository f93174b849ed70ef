// The AWS "query" protocol (CloudFormation, EC2): a signed form-encoded POST, an XML answer.
import type { Element } from '@xmldom/xmldom'
import { type AwsContext, awsSigner } from './aws-context.ts'
import { AwsApiError, throwIfFailed } from './aws-error.ts'
import { parseXmlRoot } from './xml-elements.ts'

const VERSIONS = { cloudformation: '2010-05-15', ec2: '2016-11-15' } as const

export async function queryCall(
  ctx: AwsContext,
  service: keyof typeof VERSIONS,
  action: string,
  params: Record<string, string> = {},
): Promise<Element> {
  const body = new URLSearchParams({ Action: action, Version: VERSIONS[service], ...params })
  const res = await awsSigner(ctx, service).fetch(`${ctx.endpoints[service]}/`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
    body: body.toString(),
  })
  await throwIfFailed(service, action, res)
  const text = await res.text()
  try {
    return parseXmlRoot(text)
  } catch {
    throw new AwsApiError(service, action, res.status, 'InvalidResponse', `unreadable answer: ${text.slice(0, 200)}`)
  }
}

/** `{ prefix: [a, b] }` → `prefix.member.1=a&prefix.member.2=b` (CloudFormation lists). */
export function memberList(prefix: string, values: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {}
  values.forEach((v, i) => {
    out[`${prefix}.member.${i + 1}`] = v
  })
  return out
}
