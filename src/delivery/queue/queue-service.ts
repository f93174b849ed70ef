// The outbound queue runner as a background service (src/core/background-services.ts). The runner
// and everything it pulls in (DKIM signing, DSNs, the transports) load once the queue has work: at
// start when entries are pending, in flight from before, or owed a DSN; otherwise on the first
// commit (queue.onDue) or when a poll sees an entry another process added. A server with an empty
// queue keeps none of that code in memory (issue 3's idle RSS budget).
import type { Service } from '../../core/lifecycle.ts'
import type { ServerDeps } from '../../core/server-deps.ts'

export function queueRunnerService(deps: ServerDeps): Service {
  const name = 'queue-runner'
  if (!deps.config.queue.enabled) return { name, start() {}, stop() {} }
  const { queue } = deps
  let runner: Promise<Service> | null = null
  let unsubscribe: (() => void) | null = null
  let poll: ReturnType<typeof setInterval> | null = null
  let stopped = false

  const quiet = () => {
    unsubscribe?.()
    unsubscribe = null
    if (poll) clearInterval(poll)
    poll = null
  }
  const load = () => {
    quiet()
    runner ??= import('./queue-runner-factory.ts').then(async m => {
      const service = m.createQueueRunnerService(deps)
      if (!stopped) await service.start()
      return service
    })
    runner.catch(e => deps.logger.error('queue runner failed to start', { error: e }))
    return runner
  }
  const hasWork = async () =>
    queue.nextDueAt() !== null || queue.owingDsn().length > 0 || (await queue.list({ state: 'in-flight' })).length > 0

  return {
    name,
    async start() {
      if (await hasWork()) {
        await load()
        return
      }
      unsubscribe = queue.onDue(() => void load())
      poll = setInterval(() => {
        if (queue.nextDueAt() !== null) void load()
      }, deps.config.queue.pollIntervalSeconds * 1000)
      poll.unref?.()
    },
    async stop(graceMs) {
      stopped = true
      quiet()
      if (runner) await (await runner).stop(graceMs)
    },
  }
}
