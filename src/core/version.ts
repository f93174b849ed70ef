// Build identity. build.ts replaces the three constants with --define; under `bun run` they are
// undefined and we fall back to package.json and the work tree's git commit (looked up lazily:
// only `mail-server version` pays for spawning git).
import pkg from '../../package.json' with { type: 'json' }

declare const MAIL_SERVER_VERSION: string | undefined
declare const MAIL_SERVER_COMMIT: string | undefined
declare const MAIL_SERVER_BUILD_DATE: string | undefined

export interface BuildInfo {
  version: string
  commit: string
  buildDate: string
  compiled: boolean
}

const defined = <T>(read: () => T): T | undefined => {
  try {
    return read()
  } catch {
    return undefined
  }
}

export function buildInfo(): BuildInfo {
  const compiledVersion = defined(() => MAIL_SERVER_VERSION)
  if (compiledVersion) {
    return {
      version: compiledVersion,
      commit: defined(() => MAIL_SERVER_COMMIT) ?? 'unknown',
      buildDate: defined(() => MAIL_SERVER_BUILD_DATE) ?? 'unknown',
      compiled: true,
    }
  }
  return { version: pkg.version, commit: workTreeCommit(), buildDate: 'dev (not built)', compiled: false }
}

function workTreeCommit(): string {
  const r = Bun.spawnSync(['git', 'rev-parse', '--short=12', 'HEAD'], {
    cwd: `${import.meta.dir}/../..`,
    stderr: 'ignore',
  })
  return r.exitCode === 0 ? r.stdout.toString().trim() : 'unknown'
}

export const versionLine = (b: BuildInfo = buildInfo()) =>
  `mail-server ${b.version} (commit ${b.commit}, built ${b.buildDate})`
