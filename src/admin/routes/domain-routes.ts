// Domains: list, add, remove, and one domain's DNS records with a live published/missing check
// (the records and the check are src/domains/, shared with the CLI and the REST API).
import type { Hono } from 'hono'
import { parseDomain } from '../../core/address.ts'
import { type CheckedDnsRecord, checkDnsRecords, summariseDnsCheck } from '../../domains/dns-check.ts'
import { domainDnsRecords } from '../../domains/domain-dns-records.ts'
import type { AdminEnv, AdminServices } from '../admin-services.ts'
import { type Badge, badge } from '../class-names.ts'
import { formatTime } from '../display-format.ts'
import { adminActor, formAction, notConfirmed } from '../form-action.ts'
import { formFields } from '../form-fields.ts'
import { sessionPage } from '../page-response.ts'
import { notFoundPage } from './not-found.ts'

const domainHref = (name: string) => `/admin/domains/${encodeURIComponent(name)}`

function statusBadge(record: CheckedDnsRecord): Badge {
  switch (record.status) {
    case 'published':
      return badge('published', 'green')
    case 'different':
      return badge('different', 'yellow')
    case 'missing':
      return record.required ? badge('missing', 'red') : badge('missing (optional)', 'gray')
    case 'error':
      return badge('lookup failed', 'gray')
  }
}

/** What DNS answered, shown under the expected value when it tells the admin something. */
function foundText(record: CheckedDnsRecord): string {
  if (record.error !== null) return record.error
  const showFound = record.status === 'different' || (record.value === null && record.found.length > 0)
  return showFound ? `found: ${record.found.join(' | ')}` : ''
}

export function registerDomainRoutes(app: Hono<AdminEnv>, services: AdminServices): void {
  const { storage, config, resolver } = services.deps

  app.get('/domains', async c => {
    const domains = await storage.domains.list()
    return sessionPage(
      c,
      services,
      'domains',
      { title: 'Domains', section: 'domains' },
      {
        domains: domains.map(d => ({
          name: d.name,
          href: domainHref(d.name),
          accountsHref: `/admin/accounts?domain=${encodeURIComponent(d.name)}`,
          deleteAction: `${domainHref(d.name)}/delete`,
          catchAll: d.catchAll ?? '',
          createdAt: formatTime(d.createdAt),
          badge: d.enabled ? badge('enabled', 'green') : badge('disabled', 'gray'),
        })),
      },
    )
  })

  app.post('/domains', async c => {
    const form = await formFields(c)
    return formAction(c, services, '/admin/domains', async () => {
      const domain = await storage.domains.add(form.name ?? '')
      await storage.audit.record({ actor: adminActor(c), action: 'domain.create', target: domain.name })
      return `Added domain ${domain.name}. Publish its DNS records next.`
    })
  })

  app.post('/domains/:name/delete', async c => {
    const form = await formFields(c)
    const name = c.req.param('name')
    return formAction(c, services, '/admin/domains', async () => {
      if (form.confirm !== 'yes') throw notConfirmed(name)
      await storage.domains.remove(name)
      await storage.audit.record({ actor: adminActor(c), action: 'domain.delete', target: parseDomain(name) })
      return `Removed domain ${parseDomain(name)}.`
    })
  })

  app.get('/domains/:name', async c => {
    let normalized: string
    try {
      normalized = parseDomain(c.req.param('name'))
    } catch {
      return notFoundPage(c, services)
    }
    const domain = await storage.domains.get(normalized)
    if (!domain) return notFoundPage(c, services)
    const expected = await domainDnsRecords(config, domain.name, services.dkimKeys)
    const records = await checkDnsRecords(expected.records, resolver)
    const summary = summariseDnsCheck(records)
    return sessionPage(
      c,
      services,
      'domain',
      { title: domain.name, section: 'domains' },
      {
        domain: { name: domain.name },
        summary: `${summary.published} published, ${summary.missing} missing, ${summary.different} different, ${summary.error} not checked (lookup failed). Mail host: ${expected.hostname}.`,
        notes: expected.notes,
        records: records.map(r => ({
          purpose: r.note,
          required: r.required ? 'required' : 'optional',
          name: r.name,
          type: r.type,
          value: r.value ?? '(fill in)',
          found: foundText(r),
          badge: statusBadge(r),
        })),
        zoneText: records.map(r => r.zone).join('\n'),
      },
    )
  })
}
