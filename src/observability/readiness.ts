// Readiness probes behind /readyz (and, later, the Discord monitor): each answers whether one
// dependency can serve traffic right now. A probe throws or returns ok=false with a reason.
import fs from 'node:fs'
import { errorMessage } from '../core/errors.ts'

export interface ProbeResult {
  ok: boolean
  detail?: string
}

export interface ReadinessProbe {
  readonly name: string
  check(): Promise<ProbeResult> | ProbeResult
}

export interface ReadinessReport {
  ok: boolean
  checks: Record<string, ProbeResult>
}

export async function runReadiness(probes: readonly ReadinessProbe[]): Promise<ReadinessReport> {
  const checks: Record<string, ProbeResult> = {}
  await Promise.all(
    probes.map(async probe => {
      try {
        checks[probe.name] = await probe.check()
      } catch (e) {
        checks[probe.name] = { ok: false, detail: errorMessage(e) }
      }
    }),
  )
  return { ok: Object.values(checks).every(c => c.ok), checks }
}

/** Free space on the file system holding `dir`; below `minFreeBytes` the server is not ready for mail. */
export function diskProbe(dir: string, minFreeBytes: number): ReadinessProbe {
  return {
    name: 'disk',
    check: () => {
      const s = fs.statfsSync(dir)
      const free = s.bavail * s.bsize
      const detail = `${Math.floor(free / 2 ** 20)} MiB free`
      return free >= minFreeBytes
        ? { ok: true, detail }
        : { ok: false, detail: `${detail}, need ${minFreeBytes >> 20} MiB` }
    },
  }
}

/** A probe from a function that throws when unhealthy (database write check, listener state). */
export function probe(name: string, check: () => Promise<string | undefined> | string | undefined): ReadinessProbe {
  return {
    name,
    check: async () => {
      const detail = await check()
      return detail === undefined ? { ok: true } : { ok: true, detail }
    },
  }
}
