// A background service whose code is imported only when its config turns it on (the Discord monitor
// without a webhook, tracing without an endpoint): off, it costs no memory at all (issue 3's idle
// RSS budget), and `build.ts --splitting` keeps its code in a chunk that is never read.
import type { BackgroundServiceFactory } from './background-services.ts'
import type { Service } from './lifecycle.ts'
import type { ServerDeps } from './server-deps.ts'

export interface LazyServiceOptions {
  name: string
  /** Read at start(): false leaves the service off for this run (SIGHUP does not turn it on). */
  enabled: (deps: ServerDeps) => boolean
  load: () => Promise<BackgroundServiceFactory>
}

export function lazyService(options: LazyServiceOptions): BackgroundServiceFactory {
  return deps => {
    let inner: Service | null = null
    return {
      name: options.name,
      async start() {
        if (!options.enabled(deps)) return
        const factory = await options.load()
        inner = factory(deps)
        await inner.start()
      },
      stop: graceMs => inner?.stop(graceMs),
      reload: () => inner?.reload?.(),
    }
  }
}
