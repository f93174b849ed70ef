// `dkim generate|rotate|list|dns <domain>`: DKIM signing keys (issue 7 §4). Private keys are never
// printed; `dns` prints the TXT records to publish (the same list `domain dns` includes).
import { defineCommand } from 'citty'
import { parseDomain } from '../core/address.ts'
import { systemClock } from '../core/clock.ts'
import { MailError } from '../core/errors.ts'
import { dkimDnsRecords, dkimTxtValue } from '../delivery/dkim/dkim-dns-records.ts'
import { createDkimKeyStore, type DkimKeyRecord } from '../delivery/dkim/dkim-key-store.ts'
import { configArgs, jsonArg } from './common-args.ts'
import { loadCliContext, type CommonArgValues } from './context.ts'
import { printJson, printTable } from './output.ts'
import { createStorage, type Storage } from '../storage/index.ts'
import type { Config } from '../config/schema.ts'

async function withKeys<T>(
  args: CommonArgValues,
  rawArgs: readonly string[],
  run: (storage: Storage, config: Config) => Promise<T>,
): Promise<T> {
  const { config, logger } = await loadCliContext(args, rawArgs)
  if (logger.level === 'debug' || logger.level === 'info') logger.setLevel('warn')
  const storage = await createStorage({ dataDir: config.dataDir, logger, hostname: config.hostname })
  try {
    return await run(storage, config)
  } finally {
    storage.close()
  }
}

/** Keys are made only for hosted domains: a typo must not produce a key nobody publishes. */
async function hostedDomain(storage: Storage, input: string): Promise<string> {
  const name = parseDomain(input)
  if (!(await storage.domains.get(name)))
    throw new MailError('user', `domain ${name} is not hosted here (mail-server domain add ${name})`, {
      code: 'not_found',
    })
  return name
}

/** Without the private key. */
const publicView = (k: DkimKeyRecord) => ({
  domain: k.domain,
  selector: k.selector,
  algorithm: k.algorithm,
  status: k.status,
  createdAt: new Date(k.createdAt).toISOString(),
  retiredAt: k.retiredAt === null ? null : new Date(k.retiredAt).toISOString(),
  record: { name: `${k.selector}._domainkey.${k.domain}`, type: 'TXT', value: dkimTxtValue(k.algorithm, k.publicKey) },
})

const printRecords = (keys: DkimKeyRecord[]) => {
  for (const k of keys)
    console.log(`${k.selector}._domainkey.${k.domain}. IN TXT "${dkimTxtValue(k.algorithm, k.publicKey)}"`)
}

const domainArg = { domain: { type: 'positional', required: true, description: 'Hosted domain' } } as const

const generate = defineCommand({
  meta: { name: 'generate', description: 'Create the missing keys of a domain (one per configured algorithm)' },
  args: { ...domainArg, ...configArgs, ...jsonArg },
  async run({ args, rawArgs }) {
    const created = await withKeys(args, rawArgs, async (storage, config) => {
      const domain = await hostedDomain(storage, args.domain)
      return createDkimKeyStore(storage, systemClock).ensure(domain, config.dkim)
    })
    if (args.json) return printJson(created.map(publicView))
    if (created.length === 0) console.log(`${args.domain} already has its keys (mail-server dkim dns ${args.domain})`)
    else printRecords(created)
  },
})

const rotate = defineCommand({
  meta: {
    name: 'rotate',
    description: 'Retire the active keys of a domain and create new ones under new selectors (publish them first)',
  },
  args: { ...domainArg, ...configArgs, ...jsonArg },
  async run({ args, rawArgs }) {
    const created = await withKeys(args, rawArgs, async (storage, config) => {
      const domain = await hostedDomain(storage, args.domain)
      return createDkimKeyStore(storage, systemClock).rotate(domain, config.dkim)
    })
    if (args.json) return printJson(created.map(publicView))
    console.log('new keys (publish these records; the retired ones stay listed in `dkim dns` for a while):')
    printRecords(created)
  },
})

const list = defineCommand({
  meta: { name: 'list', description: 'List DKIM keys (public parts only)' },
  args: { domain: { type: 'positional', required: false, description: 'Only this domain' }, ...configArgs, ...jsonArg },
  async run({ args, rawArgs }) {
    const keys = await withKeys(args, rawArgs, async storage =>
      createDkimKeyStore(storage, systemClock).list(args.domain ? parseDomain(args.domain) : undefined),
    )
    if (args.json) return printJson(keys.map(publicView))
    printTable(
      keys.map(publicView),
      ['domain', 'selector', 'algorithm', 'status', 'createdAt', 'retiredAt'],
      'no DKIM keys yet: mail-server dkim generate <domain>',
    )
  },
})

const dns = defineCommand({
  meta: { name: 'dns', description: 'Print the DKIM TXT records to publish (creating keys on first use)' },
  args: { ...domainArg, ...configArgs, ...jsonArg },
  async run({ args, rawArgs }) {
    const records = await withKeys(args, rawArgs, async (storage, config) => {
      const domain = await hostedDomain(storage, args.domain)
      return dkimDnsRecords(storage, domain, { ...config.dkim, clock: systemClock })
    })
    if (args.json) return printJson(records)
    for (const r of records) console.log(`${r.name}. IN TXT "${r.value}"${r.status === 'retired' ? ' ; retired' : ''}`)
  },
})

export const dkimCommand = defineCommand({
  meta: { name: 'dkim', description: 'Manage DKIM signing keys' },
  subCommands: { generate, rotate, list, dns },
})
