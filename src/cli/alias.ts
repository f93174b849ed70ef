// `alias add|list|remove`: one address delivering to several accounts and/or external addresses.
import { defineCommand } from 'citty'
import { configArgs, jsonArg } from './common-args.ts'
import { withStorage } from './open-storage.ts'
import { printJson, printTable } from './output.ts'
import { usage } from './usage-error.ts'

/** Targets from the positional argument and any further ones: "a@x,b@y c@z". */
const splitTargets = (first: string | undefined, rest: readonly string[]) =>
  [first ?? '', ...rest]
    .flatMap(t => t.split(','))
    .map(t => t.trim())
    .filter(Boolean)

const add = defineCommand({
  meta: { name: 'add', description: 'Add an alias (or more targets to an existing one)' },
  args: {
    address: { type: 'positional', required: true, description: 'Alias address, e.g. team@example.org' },
    targets: { type: 'positional', required: true, description: 'Comma-separated accounts or external addresses' },
    ...configArgs,
    ...jsonArg,
  },
  async run({ args, rawArgs }) {
    const targets = splitTargets(args.targets, args._.slice(2))
    if (targets.length === 0) throw usage('give at least one target address')
    const alias = await withStorage(args, rawArgs, storage => storage.aliases.add(args.address, targets))
    if (args.json) printJson(alias)
    else console.log(`${alias.address} → ${alias.targets.join(', ')}`)
  },
})

const list = defineCommand({
  meta: { name: 'list', description: 'List aliases' },
  args: { domain: { type: 'string', description: 'Only this domain' }, ...configArgs, ...jsonArg },
  async run({ args, rawArgs }) {
    const aliases = await withStorage(args, rawArgs, storage => storage.aliases.list({ domain: args.domain }))
    if (args.json) return printJson(aliases)
    printTable(
      aliases.map(a => ({ address: a.address, targets: a.targets.join(', ') })),
      ['address', 'targets'],
      'no aliases',
    )
  },
})

const remove = defineCommand({
  meta: { name: 'remove', description: 'Remove an alias, or only some of its targets' },
  args: {
    address: { type: 'positional', required: true, description: 'Alias address' },
    targets: { type: 'positional', required: false, description: 'Comma-separated targets to remove (default: all)' },
    ...configArgs,
    ...jsonArg,
  },
  async run({ args, rawArgs }) {
    const targets = args.targets === undefined ? undefined : splitTargets(args.targets, args._.slice(2))
    const removed = await withStorage(args, rawArgs, storage => storage.aliases.remove(args.address, targets))
    if (removed === 0) throw usage(`no alias ${args.address}${targets ? ` with ${targets.join(', ')}` : ''}`)
    if (args.json) printJson({ address: args.address, removed })
    else console.log(`removed ${removed} target${removed === 1 ? '' : 's'} of ${args.address}`)
  },
})

export const aliasCommand = defineCommand({
  meta: { name: 'alias', description: 'Manage aliases' },
  subCommands: { add, list, remove },
})
