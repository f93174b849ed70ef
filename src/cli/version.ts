import { defineCommand } from 'citty'
import { buildInfo, versionLine } from '../core/version.ts'
import { jsonArg } from './common-args.ts'
import { printJson } from './output.ts'

export const versionCommand = defineCommand({
  meta: { name: 'version', description: 'Print version, git commit and build date' },
  args: { ...jsonArg },
  run({ args }) {
    const info = buildInfo()
    if (args.json) printJson(info)
    else console.log(versionLine(info))
  },
})
