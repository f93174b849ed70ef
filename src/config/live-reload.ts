// What SIGHUP can apply to a running server. The log level and certificate contents apply at once;
// everything else (ports, data dir, limits baked into listeners) is reported as needing a restart.
import { configKeys } from './schema-leaves.ts'
import type { Config } from './schema.ts'

const LIVE_KEYS = new Set(['log.level'])

const valueAt = (config: Config, key: string): unknown =>
  key.split('.').reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], config)

/** Dotted keys whose value changed and that the running server cannot apply without a restart. */
export function configChangesNeedingRestart(before: Config, after: Config): string[] {
  return configKeys.leaves
    .map(l => l.key)
    .filter(key => !LIVE_KEYS.has(key) && JSON.stringify(valueAt(before, key)) !== JSON.stringify(valueAt(after, key)))
}
