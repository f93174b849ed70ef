// `domain dns <domain> [--check]`: the DNS records a hosted domain should publish, as zone-file
// lines (the same list as GET /api/v1/domains/{domain}/dns), and with --check what resolvers
// answer for each. --check exits 1 when a required record is not published, for scripts.
import { defineCommand } from 'citty'
import { parseDomain } from '../core/address.ts'
import { systemClock } from '../core/clock.ts'
import { MailError } from '../core/errors.ts'
import { deliveryDkimKeys } from '../domains/delivery-dkim-keys.ts'
import { type CheckedDnsRecord, checkDnsRecords, summariseDnsCheck } from '../domains/dns-check.ts'
import { type DomainDnsRecords, domainDnsRecords } from '../domains/domain-dns-records.ts'
import { createResolver } from '../security/dns/resolver.ts'
import { createStorage } from '../storage/index.ts'
import { unknownDomain } from '../storage/storage-errors.ts'
import { configArgs, jsonArg } from './common-args.ts'
import { loadCliContext } from './context.ts'
import { printJson, printTable } from './output.ts'

export const domainDnsCommand = defineCommand({
  meta: { name: 'dns', description: 'Show the DNS records a domain should publish (--check: look them up)' },
  args: {
    domain: { type: 'positional', required: true, description: 'Domain name' },
    check: { type: 'boolean', description: 'Query DNS and mark each record published, missing or different' },
    ...configArgs,
    ...jsonArg,
  },
  async run({ args, rawArgs }) {
    const name = parseDomain(args.domain)
    // The config is needed beside the storage (host name, ports, resolvers): load it once.
    const { config, logger } = await loadCliContext(args, rawArgs)
    if (logger.level === 'debug' || logger.level === 'info') logger.setLevel('warn')
    const storage = await createStorage({ dataDir: config.dataDir, logger, hostname: config.hostname })
    let expected: DomainDnsRecords
    try {
      if (!(await storage.domains.get(name))) throw unknownDomain(name)
      expected = await domainDnsRecords(config, name, deliveryDkimKeys(storage, systemClock))
    } finally {
      storage.close()
    }
    if (!args.check) {
      if (args.json) return printJson(expected)
      const section = (title: string, required: boolean) => {
        console.log(`; ${title}`)
        for (const r of expected.records.filter(r => r.required === required)) console.log(r.zone)
      }
      console.log(`; DNS records for ${expected.domain} (mail host ${expected.hostname})`)
      section('required for mail delivery', true)
      section('recommended (client autoconfiguration, MTA-STS, TLS reports)', false)
      for (const note of expected.notes) console.log(`; note: ${note}`)
      return
    }
    const resolver = createResolver({
      servers: config.dns.servers,
      timeoutMs: config.dns.timeoutMs,
      clock: systemClock,
    })
    const records = await checkDnsRecords(expected.records, resolver)
    const summary = summariseDnsCheck(records)
    if (args.json) printJson({ ...expected, records, summary })
    else printCheck(records, summary, expected.notes)
    const unpublished = records.filter(r => r.required && r.status !== 'published')
    if (unpublished.length > 0) {
      throw new MailError('user', `${unpublished.length} required record(s) not published for ${name}`, {
        code: 'dns_incomplete',
      })
    }
  },
})

/** DKIM keys are hundreds of characters: the table shows their start (--json has them whole). */
const clip = (text: string) => (text.length > 60 ? `${text.slice(0, 57)}...` : text)

function printCheck(
  records: readonly CheckedDnsRecord[],
  summary: ReturnType<typeof summariseDnsCheck>,
  notes: readonly string[],
) {
  printTable(
    records.map(r => ({
      status: r.status,
      type: r.type,
      name: r.name,
      expected: clip(r.value ?? '(any address)'),
      found: clip(r.error ?? (r.found.length > 0 ? r.found.join(' | ') : '-')),
    })),
    ['status', 'type', 'name', 'expected', 'found'],
  )
  console.log(
    `${summary.published} published, ${summary.missing} missing, ${summary.different} different, ${summary.error} lookup errors`,
  )
  for (const note of notes) console.log(`note: ${note}`)
}
