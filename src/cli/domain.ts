// `domain add|list|remove|catch-all|dns`: the mail domains this server hosts.
import { defineCommand } from 'citty'
import { parseDomain } from '../core/address.ts'
import { configArgs, jsonArg } from './common-args.ts'
import { domainDnsCommand } from './domain-dns.ts'
import { withStorage } from './open-storage.ts'
import { printJson, printTable } from './output.ts'
import { usage } from './usage-error.ts'

const add = defineCommand({
  meta: { name: 'add', description: 'Host a new mail domain' },
  args: {
    domain: { type: 'positional', required: true, description: 'Domain name, e.g. example.org' },
    'catch-all': { type: 'string', description: 'Address that receives mail for unknown local parts' },
    ...configArgs,
    ...jsonArg,
  },
  async run({ args, rawArgs }) {
    parseDomain(args.domain) // reject a bad name before the data dir is touched
    const domain = await withStorage(args, rawArgs, async storage => {
      const created = await storage.domains.add(args.domain)
      if (args['catch-all']) await storage.domains.setCatchAll(created.name, args['catch-all'])
      return (await storage.domains.get(created.name)) ?? created
    })
    if (args.json) printJson(domain)
    else console.log(`added domain ${domain.name}${domain.catchAll ? ` (catch-all → ${domain.catchAll})` : ''}`)
  },
})

const list = defineCommand({
  meta: { name: 'list', description: 'List hosted domains' },
  args: { ...configArgs, ...jsonArg },
  async run({ args, rawArgs }) {
    const domains = await withStorage(args, rawArgs, storage => storage.domains.list())
    if (args.json) return printJson(domains)
    printTable(
      domains.map(d => ({ ...d, enabled: d.enabled ? 'yes' : 'no', created: new Date(d.createdAt).toISOString() })),
      ['name', 'enabled', 'catchAll', 'created'],
      'no domains yet: mail-server domain add <domain>',
    )
  },
})

const remove = defineCommand({
  meta: { name: 'remove', description: 'Stop hosting a domain (refused while it has accounts, unless --force)' },
  args: {
    domain: { type: 'positional', required: true, description: 'Domain name' },
    force: { type: 'boolean', description: 'Also delete the accounts of the domain' },
    'remove-data': { type: 'boolean', description: 'With --force: delete the mail files of those accounts too' },
    ...configArgs,
    ...jsonArg,
  },
  async run({ args, rawArgs }) {
    await withStorage(args, rawArgs, storage =>
      storage.domains.remove(args.domain, { force: args.force, removeData: args['remove-data'] }),
    )
    if (args.json) printJson({ removed: args.domain })
    else console.log(`removed domain ${args.domain}`)
  },
})

const catchAll = defineCommand({
  meta: { name: 'catch-all', description: 'Set (or with --clear remove) the catch-all address of a domain' },
  args: {
    domain: { type: 'positional', required: true, description: 'Domain name' },
    target: { type: 'positional', required: false, description: 'Address receiving mail for unknown local parts' },
    clear: { type: 'boolean', description: 'Remove the catch-all' },
    ...configArgs,
    ...jsonArg,
  },
  async run({ args, rawArgs }) {
    if (!args.clear && !args.target) throw usage('give a target address, or --clear')
    const domain = await withStorage(args, rawArgs, async storage => {
      await storage.domains.setCatchAll(args.domain, args.clear ? null : (args.target ?? null))
      return storage.domains.get(args.domain)
    })
    if (args.json) printJson(domain)
    else
      console.log(
        domain?.catchAll ? `catch-all for ${args.domain} → ${domain.catchAll}` : `no catch-all for ${args.domain}`,
      )
  },
})

export const domainCommand = defineCommand({
  meta: { name: 'domain', description: 'Manage hosted domains' },
  subCommands: { add, list, remove, 'catch-all': catchAll, dns: domainDnsCommand },
})
