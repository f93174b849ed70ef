// What the dashboard shows: uptime, queue depth, disk space, hosted objects, the TLS certificate,
// readiness checks and the metrics registry's counters. `liveValues` is the subset the page's
// script refreshes every few seconds (cheap to compute: no table scans).
import { statfsSync } from 'node:fs'
import { versionLine } from '../core/version.ts'
import { queueStats } from '../delivery/queue/queue-stats.ts'
import { runReadiness } from '../observability/readiness.ts'
import type { AdminServices } from './admin-services.ts'
import { type Badge, badge } from './class-names.ts'
import { formatBytes, formatDuration, formatNumber, formatTime } from './display-format.ts'
import { metricTotals } from './metric-totals.ts'

/** A certificate closer than this to its end is shown as a warning. */
const EXPIRY_WARNING_DAYS = 14
const DAY_MS = 86_400_000
/** Account pages read to count them (the repository pages by id). */
const COUNT_PAGE = 1000

export interface DashboardCard {
  /** data-live key; the detail line uses `<key>-detail`. */
  key: string
  label: string
  value: string
  detail: string
}

export interface DashboardView {
  cards: DashboardCard[]
  certificate: { subject: string; names: string; issuer: string; notAfter: string; source: string; badge: Badge }
  readiness: { name: string; detail: string; badge: Badge }[]
  counters: { key: string; name: string; value: string }[]
  version: string
}

function uptimeCard(services: AdminServices): DashboardCard {
  const since = services.startedAt
  return {
    key: 'uptime',
    label: 'Uptime',
    value: formatDuration(services.deps.clock.now() - since),
    detail: `since ${formatTime(since)}`,
  }
}

function queueCard(services: AdminServices): DashboardCard {
  // One aggregate query (delivery's queueStats), cheap enough for the live refresh.
  const stats = queueStats(services.deps.storage, services.deps.clock.now())
  const waiting = (['queued', 'in-flight', 'deferred'] as const)
    .filter(state => stats.byState[state] > 0)
    .map(state => `${formatNumber(stats.byState[state])} ${state}`)
  const oldest = stats.depth > 0 ? `; oldest ${formatDuration(stats.oldestAgeSeconds * 1000)}` : ''
  return {
    key: 'queue',
    label: 'Queue',
    value: formatNumber(stats.depth),
    detail: waiting.length > 0 ? `${waiting.join(', ')}${oldest}` : 'nothing waiting',
  }
}

function diskCard(services: AdminServices): DashboardCard {
  try {
    const s = statfsSync(services.deps.config.dataDir)
    const free = s.bavail * s.bsize
    const total = s.blocks * s.bsize
    const used = total > 0 ? Math.round(((total - s.bfree * s.bsize) / total) * 100) : 0
    return {
      key: 'disk',
      label: 'Disk free',
      value: formatBytes(free),
      detail: `of ${formatBytes(total)}, ${used} % used`,
    }
  } catch (e) {
    return { key: 'disk', label: 'Disk free', value: '?', detail: e instanceof Error ? e.message : String(e) }
  }
}

/** Cards and counters the dashboard script refreshes: key → text. */
export function liveValues(services: AdminServices): Record<string, string> {
  const values: Record<string, string> = {}
  for (const card of [uptimeCard(services), queueCard(services), diskCard(services)]) {
    values[card.key] = card.value
    values[`${card.key}-detail`] = card.detail
  }
  for (const counter of counterRows(services)) values[counter.key] = counter.value
  return values
}

// Info metrics (constant 1, the data is in the labels) and timestamps are no counters to watch.
const NOT_A_COUNTER = /_info$|_time_seconds$|_timestamp_seconds$/

function counterRows(services: AdminServices): DashboardView['counters'] {
  return metricTotals(services.deps.metrics.render())
    .filter(m => !NOT_A_COUNTER.test(m.name))
    .map(m => ({
      key: `metric:${m.name}`,
      name: m.name,
      value: formatNumber(m.value),
    }))
}

function certificateView(services: AdminServices): DashboardView['certificate'] {
  const info = services.deps.certificates.info()
  const daysLeft = Math.floor((info.notAfter.getTime() - services.deps.clock.now()) / DAY_MS)
  const state =
    daysLeft < 0
      ? badge('expired', 'red')
      : daysLeft < EXPIRY_WARNING_DAYS
        ? badge(`expires in ${daysLeft} d`, 'yellow')
        : badge(`valid ${daysLeft} more days`, 'green')
  return {
    subject: info.subject,
    names: info.sans.join(', '),
    issuer: info.selfSigned ? `${info.issuer} (self-signed)` : info.issuer,
    notAfter: formatTime(info.notAfter.getTime()),
    source: info.source,
    badge: state,
  }
}

async function countAccounts(services: AdminServices): Promise<number> {
  let total = 0
  let after: number | undefined
  for (;;) {
    const page = await services.deps.storage.accounts.list({ after, limit: COUNT_PAGE })
    total += page.items.length
    if (page.next === null) return total
    after = page.next
  }
}

export async function dashboardView(services: AdminServices): Promise<DashboardView> {
  const { storage } = services.deps
  const [domains, accounts, aliases, readiness] = await Promise.all([
    storage.domains.list(),
    countAccounts(services),
    storage.aliases.list(),
    runReadiness(services.probes),
  ])
  return {
    cards: [
      uptimeCard(services),
      queueCard(services),
      diskCard(services),
      {
        key: 'domains',
        label: 'Domains',
        value: formatNumber(domains.length),
        detail: `${domains.filter(d => !d.enabled).length} disabled`,
      },
      { key: 'accounts', label: 'Accounts', value: formatNumber(accounts), detail: 'mailboxes' },
      { key: 'aliases', label: 'Aliases', value: formatNumber(aliases.length), detail: 'forwarding addresses' },
    ],
    certificate: certificateView(services),
    readiness: Object.entries(readiness.checks).map(([name, result]) => ({
      name,
      detail: result.detail ?? '',
      badge: result.ok ? badge('ok', 'green') : badge('failing', 'red'),
    })),
    counters: counterRows(services),
    version: versionLine(services.build),
  }
}
