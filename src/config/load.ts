// Builds the one Config from its layers, strongest first:
//   flags (--set, --data-dir, --hostname, --profile)
//   > environment (MAIL_*, then the seed's names)
//   > env file (--env-file; the real environment wins over it)
//   > TOML file (--config / MAIL_CONFIG, else ./mail-server.toml, else /etc/mail/mail-server.toml)
//   > profile defaults (`profile` from any layer above, else dev).
// Pure with respect to its input: the CLI passes process.env and process.cwd(). Every problem is
// collected and thrown as one ConfigError naming key, value and source.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { type ConfigFlags, type FlagValue, flagLayer, readCliFlags } from './config-flags.ts'
import { ConfigError, type ConfigIssue } from './config-error.ts'
import { type ConfigValues, flattenObject, mergeValues, unflattenValues } from './config-values.ts'
import { checkConfig, configWarnings } from './cross-checks.ts'
import { readEnvFile } from './env-file.ts'
import { ENV_CONFIG_PATH, envLayer, unknownEnvWarning } from './env-names.ts'
import { isProfile, profileDefaults } from './profile-defaults.ts'
import { type Config, configSchema, type Profile } from './schema.ts'
import { configKeys } from './schema-leaves.ts'
import { readTomlFile } from './toml-file.ts'
import { issuesFromSchema } from './schema-issues.ts'

export interface LoadConfigInput {
  /** CLI flags: citty's map (`{ 'data-dir': …, set: [...] , config: … }`) or FlagValue list. */
  flags?: ConfigFlags | readonly FlagValue[]
  /** The environment (process.env from the CLI; tests pass their own). */
  env: Readonly<Record<string, string | undefined>>
  /** Directory relative paths from flags, env and defaults are resolved against. */
  cwd: string
  /** TOML file to read (overrides `config` in flags and MAIL_CONFIG); it must exist. */
  configPath?: string
  /** Env file to read (overrides `env-file` in flags). */
  envFile?: string
  /** Files tried in order when no config file is named. Default: ./mail-server.toml, /etc/mail/mail-server.toml. */
  searchPaths?: readonly string[]
  /** Production's default host name. Default: os.hostname(). */
  systemHostname?: string
}

export interface LoadedConfig {
  config: Config
  /** Files that were read: the TOML file and/or the env file. */
  sources: string[]
  /** Where each key's value came from (`smtp.mx.port` → `env MAIL_SMTP_MX_PORT`). */
  origins: Record<string, string>
  /** Legal but suspicious settings and ignored MAIL_* variables. */
  warnings: string[]
}

export const DEFAULT_CONFIG_FILE = 'mail-server.toml'
export const SYSTEM_CONFIG_FILE = '/etc/mail/mail-server.toml'
/** Keys holding file system paths: relative values are resolved (file values against the file's directory). */
export const PATH_KEYS: readonly string[] = ['dataDir', 'tls.certFile', 'tls.keyFile']

function resolvePaths(values: ConfigValues, base: string): ConfigValues {
  for (const key of PATH_KEYS) {
    const v = values.get(key)
    if (v && typeof v.value === 'string' && v.value !== '' && !path.isAbsolute(v.value))
      values.set(key, { ...v, value: path.resolve(base, v.value) })
  }
  return values
}

interface ChosenFile {
  path: string
  /** How it was chosen, for "cannot read" errors. */
  source: string
}

function chooseConfigFile(
  input: LoadConfigInput,
  flagPath: string | undefined,
  envFileVars: ReadonlyMap<string, string>,
): ChosenFile | undefined {
  const named: [string | undefined, string][] = [
    [input.configPath, 'config path'],
    [flagPath, 'flag --config'],
    [input.env[ENV_CONFIG_PATH], `env ${ENV_CONFIG_PATH}`],
    [envFileVars.get(ENV_CONFIG_PATH), `env-file ${ENV_CONFIG_PATH}`],
  ]
  for (const [p, source] of named) if (p) return { path: path.resolve(input.cwd, p), source }
  const search = input.searchPaths ?? [DEFAULT_CONFIG_FILE, SYSTEM_CONFIG_FILE]
  for (const p of search) {
    const full = path.resolve(input.cwd, p)
    if (fs.existsSync(full)) return { path: full, source: 'config search' }
  }
  return undefined
}

/** Collects issues instead of throwing so one run reports every problem. */
function collect<T>(issues: ConfigIssue[], run: () => T): T | undefined {
  try {
    return run()
  } catch (e) {
    if (e instanceof ConfigError) {
      issues.push(...e.issues)
      return undefined
    }
    throw e
  }
}

export function loadConfig(input: LoadConfigInput): LoadedConfig {
  const issues: ConfigIssue[] = []
  const warnings: string[] = []
  const sources: string[] = []
  const cli = readCliFlags(input.flags)
  issues.push(...cli.issues)

  // Env file: parsed like the environment, below it.
  const envFilePath = input.envFile ?? cli.envFile
  let envFileLayer: ConfigValues = new Map()
  const envFileVars = new Map<string, string>()
  if (envFilePath) {
    const full = path.resolve(input.cwd, envFilePath)
    const entries = collect(issues, () => readEnvFile(full))
    if (entries) {
      sources.push(full)
      const lines = new Map<string, number>()
      for (const e of entries) {
        envFileVars.set(e.name, e.value)
        lines.set(e.name, e.line)
      }
      const layer = envLayer(Object.fromEntries(envFileVars), v => `env ${v} (${full}:${lines.get(v)})`)
      issues.push(...layer.issues)
      warnings.push(...layer.unknown.map(u => unknownEnvWarning(u, ` in ${full}`)))
      envFileLayer = resolvePaths(layer.values, input.cwd)
    }
  }

  let fileLayer: ConfigValues = new Map()
  const file = chooseConfigFile(input, cli.configPath, envFileVars)
  if (file) {
    const layer = collect(issues, () => readTomlFile(file.path, file.source))
    if (layer) {
      sources.unshift(file.path)
      issues.push(...layer.issues)
      fileLayer = resolvePaths(layer.values, path.dirname(file.path))
    }
  }

  const env = envLayer(input.env)
  issues.push(...env.issues)
  warnings.push(...env.unknown.map(u => unknownEnvWarning(u)))
  const envValues = resolvePaths(env.values, input.cwd)

  const flags = flagLayer(cli.values)
  issues.push(...flags.issues)
  const flagValues = resolvePaths(flags.values, input.cwd)

  const layered = mergeValues(fileLayer, envFileLayer, envValues, flagValues)
  const chosen = layered.get('profile')?.value
  // An invalid profile is reported by the schema below; dev defaults let the other keys be checked meanwhile.
  const profile: Profile = isProfile(chosen) ? chosen : 'dev'
  const defaults = flattenObject(
    profileDefaults(profile) as unknown as Record<string, unknown>,
    `default (${profile} profile)`,
  )
  if (profile === 'production' && !layered.has('hostname'))
    defaults.set('hostname', { value: input.systemHostname ?? os.hostname(), source: 'default (system host name)' })
  const values = resolvePaths(mergeValues(defaults, layered), input.cwd)

  const parsed = configSchema.safeParse(unflattenValues(values))
  if (!parsed.success) issues.push(...issuesFromSchema(parsed.error, values, configKeys))
  if (issues.length > 0 || !parsed.success) throw new ConfigError(issues)

  const config = parsed.data
  const sourceOf = (key: string) => values.get(key)?.source ?? 'default'
  const crossIssues = checkConfig(config, sourceOf)
  if (crossIssues.length > 0) throw new ConfigError(crossIssues)

  warnings.push(...configWarnings(config))
  const origins = Object.fromEntries([...values].map(([k, v]) => [k, v.source]))
  return { config, sources, origins, warnings }
}
