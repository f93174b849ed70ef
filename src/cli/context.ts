// Turns the common arguments into a validated Config (flags > env > file > profile) and a logger.
// Only config/ reads process.env; the CLI hands it over here.
import { loadConfig } from '../config/load.ts'
import type { Config } from '../config/schema.ts'
import { createLogger, type Logger } from '../core/logger.ts'
import { collectSetFlags } from './common-args.ts'

export interface CommonArgValues {
  config?: string
  'env-file'?: string
  profile?: string
  'data-dir'?: string
  hostname?: string
}

export interface CliContext {
  config: Config
  sources: string[]
  warnings: string[]
  logger: Logger
}

export async function loadCliContext(args: CommonArgValues, rawArgs: readonly string[]): Promise<CliContext> {
  const flags: Record<string, string | string[]> = { set: collectSetFlags(rawArgs) }
  for (const name of ['profile', 'data-dir', 'hostname', 'config', 'env-file'] as const) {
    const value = args[name]
    if (value) flags[name] = value
  }
  const { config, sources, warnings } = await loadConfig({ flags, env: process.env, cwd: process.cwd() })
  const logger = createLogger({ level: config.log.level, format: config.log.format })
  for (const warning of warnings) logger.warn(warning)
  return { config, sources, warnings, logger }
}
