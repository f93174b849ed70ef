// `config check|show|docs`: validate the effective configuration, print it (secrets redacted), or
// print the reference generated from the schema (the README's configuration section).
import { defineCommand } from 'citty'
import { configReference } from '../config/docs.ts'
import { redactConfig } from '../config/redact-config.ts'
import { renderConfigToml } from '../config/render-toml.ts'
import { configArgs, jsonArg } from './common-args.ts'
import { loadCliContext } from './context.ts'
import { printJson } from './output.ts'

const check = defineCommand({
  meta: { name: 'check', description: 'Validate the configuration; exit 2 naming each bad key' },
  args: { ...configArgs, ...jsonArg },
  async run({ args, rawArgs }) {
    const { config, sources, warnings } = await loadCliContext(args, rawArgs)
    if (args.json) return printJson({ ok: true, profile: config.profile, sources, warnings })
    console.log(
      `configuration OK (profile ${config.profile}; read ${sources.length ? sources.join(', ') : 'no files'})`,
    )
    for (const w of warnings) console.log(`warning: ${w}`)
  },
})

const show = defineCommand({
  meta: { name: 'show', description: 'Print the effective configuration (secrets redacted) as TOML or JSON' },
  args: { ...configArgs, ...jsonArg },
  async run({ args, rawArgs }) {
    const { config } = await loadCliContext(args, rawArgs)
    const safe = redactConfig(config)
    if (args.json) printJson(safe)
    else process.stdout.write(renderConfigToml(safe))
  },
})

const docs = defineCommand({
  meta: { name: 'docs', description: 'Print the configuration reference (Markdown)' },
  run() {
    process.stdout.write(configReference())
  },
})

export const configCommand = defineCommand({
  meta: { name: 'config', description: 'Check, show or document the configuration' },
  subCommands: { check, show, docs },
})
