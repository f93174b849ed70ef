// Start/stop of every long-running service in one place. Services start in the order they were
// added and stop in reverse, so listeners stop accepting before the storage they use is closed.
import { errorMessage } from './errors.ts'
import type { Logger } from './logger.ts'

export interface Service {
  readonly name: string
  start(): Promise<void> | void
  /** Stop accepting new work, let in-flight work finish within graceMs, then close. */
  stop(graceMs: number): Promise<void> | void
  /** SIGHUP: re-read files (certificates, config parts that can change live). */
  reload?(): Promise<void> | void
}

export class Lifecycle {
  private readonly services: Service[] = []
  private readonly started: Service[] = []
  private stopping: Promise<void> | null = null

  constructor(private readonly logger: Logger) {}

  add<S extends Service>(service: S): S {
    this.services.push(service)
    return service
  }

  /** Start every service; if one fails, stop those already started and rethrow. */
  async start(): Promise<void> {
    for (const service of this.services) {
      try {
        await service.start()
        this.started.push(service)
      } catch (e) {
        this.logger.error('service failed to start', { service: service.name, error: errorMessage(e) })
        await this.stop(0)
        throw e
      }
    }
  }

  /** Idempotent: a second SIGTERM while draining waits for the same stop. */
  stop(graceMs: number): Promise<void> {
    this.stopping ??= this.stopAll(graceMs)
    return this.stopping
  }

  private async stopAll(graceMs: number): Promise<void> {
    const deadline = Date.now() + graceMs
    for (const service of [...this.started].reverse()) {
      try {
        await service.stop(Math.max(0, deadline - Date.now()))
      } catch (e) {
        this.logger.warn('service failed to stop cleanly', { service: service.name, error: errorMessage(e) })
      }
    }
    this.started.length = 0
  }

  async reload(): Promise<void> {
    for (const service of this.started) {
      try {
        await service.reload?.()
      } catch (e) {
        this.logger.warn('service failed to reload', { service: service.name, error: errorMessage(e) })
      }
    }
  }
}
