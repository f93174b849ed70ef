// `cloud synth|diff|deploy|status`: the production stack (cloud/mail-stack.ts) on CloudFormation.
import os from 'node:os'
import path from 'node:path'
import { defineCommand } from 'citty'
import type { CfnTemplate } from '../../cloud/cfn-types.ts'
import { buildMailStack } from '../../cloud/mail-stack.ts'
import { cloudArgs, cloudSessionInput } from '../cloud/cloud-cli-args.ts'
import { cloudParameters, cloudSession } from '../cloud/cloud-session.ts'
import { getTemplate } from '../cloud/cloudformation-api.ts'
import { deployStack } from '../cloud/stack-deploy.ts'
import { formatStackStatus, stackStatus } from '../cloud/stack-status.ts'
import { diffTemplates, formatTemplateDiff } from '../cloud/template-diff.ts'
import { printJson } from './output.ts'

const host = () => ({ cwd: process.cwd(), env: process.env, homeDir: os.homedir() })
const progress = (line: string) => process.stderr.write(`${line}\n`)

/** GetTemplate returns what was submitted: JSON from us, possibly YAML if deployed by hand. */
function parseDeployedTemplate(body: string): CfnTemplate {
  try {
    return JSON.parse(body) as CfnTemplate
  } catch {
    return Bun.YAML.parse(body) as CfnTemplate
  }
}

const synth = defineCommand({
  meta: { name: 'synth', description: 'Print the CloudFormation template (JSON; --yaml for YAML)' },
  args: {
    ...cloudArgs,
    yaml: { type: 'boolean', description: 'YAML instead of JSON' },
    out: { type: 'string', description: 'Write to this file instead of stdout' },
  },
  async run({ args }) {
    const template = buildMailStack(cloudParameters(cloudSessionInput(args, host())))
    // Not ts-cloud's toYAML(): it leaves `#!/bin/bash` unquoted (a comment) and breaks multi-line strings.
    const text = args.yaml ? Bun.YAML.stringify(template, null, 2) : `${JSON.stringify(template, null, 2)}\n`
    if (args.out) {
      await Bun.write(path.resolve(args.out), text)
      progress(`wrote ${args.out} (${Object.keys(template.Resources).length} resources)`)
    } else process.stdout.write(text)
  },
})

const diff = defineCommand({
  meta: { name: 'diff', description: 'Compare the synthesized template with the deployed one' },
  args: cloudArgs,
  async run({ args }) {
    const { params, ctx } = cloudSession(cloudSessionInput(args, host()))
    const deployed = await getTemplate(ctx, params.stackName)
    const result = diffTemplates(deployed === null ? null : parseDeployedTemplate(deployed), buildMailStack(params))
    if (args.json) return printJson(result)
    process.stdout.write(formatTemplateDiff(result, params.stackName))
  },
})

const deploy = defineCommand({
  meta: { name: 'deploy', description: 'Create or update the stack and wait until it settles' },
  args: cloudArgs,
  async run({ args }) {
    const { params, ctx } = cloudSession(cloudSessionInput(args, host()))
    const result = await deployStack({ ctx, params, progress }, buildMailStack(params))
    if (args.json) return printJson(result)
    const verb = { created: 'created', updated: 'updated', unchanged: 'is up to date' }[result.action]
    console.log(`stack ${params.stackName} ${verb} (${result.stack.status})`)
    for (const [k, v] of Object.entries(result.stack.outputs)) console.log(`  ${k}: ${v}`)
  },
})

const status = defineCommand({
  meta: { name: 'status', description: 'Stack status, outputs and instance state' },
  args: cloudArgs,
  async run({ args }) {
    const { params, ctx } = cloudSession(cloudSessionInput(args, host()))
    const report = await stackStatus(ctx, params)
    if (args.json) return printJson(report)
    process.stdout.write(formatStackStatus(report))
    if (!report.stack) process.exitCode = 1
  },
})

export const cloudCommand = defineCommand({
  meta: { name: 'cloud', description: 'AWS stack: synth, diff, deploy, status (parameters: mail-cloud.toml)' },
  subCommands: { synth, diff, deploy, status },
})
