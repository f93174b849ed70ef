// `queue list|show|retry|drop|flush`: the outbound queue (issue 7 §8). The CLI writes the same
// database as a running server; the server's runner notices retries and flushes at its next poll
// (queue.pollIntervalSeconds).
import { defineCommand } from 'citty'
import { systemClock } from '../core/clock.ts'
import { createOutboundQueue, type OutboundQueue, type QueuedMessage } from '../delivery/queue/outbound-queue.ts'
import { isQueueState } from '../delivery/queue/queue-state.ts'
import { queueStats } from '../delivery/queue/queue-stats.ts'
import { createStorage, type Storage } from '../storage/index.ts'
import { configArgs, jsonArg } from './common-args.ts'
import { type CommonArgValues, loadCliContext } from './context.ts'
import { printJson, printTable } from './output.ts'
import { usage } from './usage-error.ts'
import { MailError } from '../core/errors.ts'

async function withQueue<T>(
  args: CommonArgValues,
  rawArgs: readonly string[],
  run: (queue: OutboundQueue, storage: Storage) => Promise<T>,
): Promise<T> {
  const { config, logger } = await loadCliContext(args, rawArgs)
  if (logger.level === 'debug' || logger.level === 'info') logger.setLevel('warn')
  const storage = await createStorage({ dataDir: config.dataDir, logger, hostname: config.hostname })
  try {
    return await run(createOutboundQueue({ storage, clock: systemClock, logger }), storage)
  } finally {
    storage.close()
  }
}

const notFound = (id: string) => new MailError('user', `no queue entry ${id}`, { code: 'not_found' })
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString())

/** What `show` and `--json` print: the entry without internal paths. */
const describe = (e: QueuedMessage) => ({
  id: e.id,
  state: e.state,
  sender: e.sender === '' ? '<>' : e.sender,
  domain: e.domain,
  size: e.size,
  createdAt: iso(e.createdAt),
  attempts: e.attempts,
  lastAttemptAt: iso(e.lastAttemptAt),
  nextAttemptAt: e.state === 'queued' || e.state === 'deferred' ? iso(e.nextAttemptAt) : null,
  lastError: e.lastError,
  messageId: e.messageId,
  envid: e.envid,
  ret: e.ret,
  finishedAt: iso(e.finishedAt),
  recipients: e.recipients.map(r => ({
    address: r.address,
    notify: r.notify,
    ...(e.results[r.address.toLowerCase()] ?? { status: 'pending' }),
  })),
})

const list = defineCommand({
  meta: { name: 'list', description: 'List queue entries still to deliver (or one state, or --all)' },
  args: {
    state: { type: 'string', description: 'Only this state: queued, in-flight, deferred, delivered, failed' },
    all: { type: 'boolean', description: 'Include delivered and failed entries kept for reference' },
    limit: { type: 'string', description: 'At most this many entries' },
    ...configArgs,
    ...jsonArg,
  },
  async run({ args, rawArgs }) {
    if (args.state !== undefined && !isQueueState(args.state)) throw usage(`unknown state "${args.state}"`)
    const limit = args.limit === undefined ? undefined : Number(args.limit)
    if (limit !== undefined && (!Number.isInteger(limit) || limit <= 0))
      throw usage('--limit must be a positive integer')
    const { entries, stats } = await withQueue(args, rawArgs, async (queue, storage) => ({
      entries: await queue.list({ state: args.state, includeFinished: args.all, limit }),
      stats: queueStats(storage),
    }))
    if (args.json) return printJson({ stats, entries: entries.map(describe) })
    printTable(
      entries.map(e => ({
        id: e.id,
        state: e.state,
        sender: e.sender === '' ? '<>' : e.sender,
        domain: e.domain,
        rcpts: e.recipients.length,
        attempts: e.attempts,
        next: e.state === 'queued' || e.state === 'deferred' ? iso(e.nextAttemptAt) : null,
        error: e.lastError?.slice(0, 60) ?? null,
      })),
      ['id', 'state', 'sender', 'domain', 'rcpts', 'attempts', 'next', 'error'],
      'the queue is empty',
    )
    console.log(`${stats.depth} to deliver, oldest ${stats.oldestAgeSeconds} s`)
  },
})

const show = defineCommand({
  meta: { name: 'show', description: 'Show one entry with every recipient outcome' },
  args: { id: { type: 'positional', required: true, description: 'Queue entry id' }, ...configArgs, ...jsonArg },
  async run({ args, rawArgs }) {
    const entry = await withQueue(args, rawArgs, queue => queue.get(args.id))
    if (!entry) throw notFound(args.id)
    const shown = describe(entry)
    if (args.json) return printJson(shown)
    const { recipients, ...fields } = shown
    for (const [key, value] of Object.entries(fields)) if (value !== null) console.log(`${key}: ${value}`)
    printTable(
      recipients.map(r => ({
        ...r,
        report: 'report' in r && r.report ? `${r.report.action} ${r.report.status}` : null,
      })),
      ['address', 'status', 'code', 'enhancedStatus', 'diagnostic', 'report'],
    )
  },
})

const retry = defineCommand({
  meta: { name: 'retry', description: 'Try a queued or deferred entry again now' },
  args: { id: { type: 'positional', required: true, description: 'Queue entry id' }, ...configArgs, ...jsonArg },
  async run({ args, rawArgs }) {
    const done = await withQueue(args, rawArgs, queue => queue.retry(args.id))
    if (!done) throw notFound(`${args.id} waiting for delivery`)
    if (args.json) printJson({ retried: args.id })
    else console.log(`${args.id} is due now`)
  },
})

const drop = defineCommand({
  meta: { name: 'drop', description: 'Delete an entry without delivering it (no DSN is sent)' },
  args: { id: { type: 'positional', required: true, description: 'Queue entry id' }, ...configArgs, ...jsonArg },
  async run({ args, rawArgs }) {
    const done = await withQueue(args, rawArgs, queue => queue.remove(args.id))
    if (!done) throw notFound(args.id)
    if (args.json) printJson({ dropped: args.id })
    else console.log(`dropped ${args.id}`)
  },
})

const flush = defineCommand({
  meta: { name: 'flush', description: 'Make every queued and deferred entry due now' },
  args: { ...configArgs, ...jsonArg },
  async run({ args, rawArgs }) {
    const count = await withQueue(args, rawArgs, queue => queue.flush())
    if (args.json) printJson({ flushed: count })
    else console.log(`${count} entr${count === 1 ? 'y' : 'ies'} due now`)
  },
})

export const queueCommand = defineCommand({
  meta: { name: 'queue', description: 'Inspect and manage the outbound queue' },
  subCommands: { list, show, retry, drop, flush },
})
