// A stand-in for the instance: a temp directory with the seed layout (opt/mail/mail-server),
// fake `systemctl` and `journalctl` first on PATH that run the "service" as a real background
// process, and fake releases (shell wrappers around fixtures/fake-mail-server.ts) that answer
// /healthz on a loopback port — or fail to, as the test wants. Real curl, sha256sum and coreutils.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { RemoteLayout } from '../../../src/cloud/remote-script.ts'

export type ReleaseKind = 'good' | 'bad-health' | 'crash' | 'not-runnable'

const FAKE_SERVER = path.join(import.meta.dir, 'fixtures', 'fake-mail-server.ts')

const SYSTEMCTL = `#!/bin/sh
# fake systemctl: one service run as a background process; pid in $SANDBOX/run/<unit>.pid
RUN="$SANDBOX/run"
mkdir -p "$RUN"
quiet=0
cmd=""
unit=""
for a in "$@"; do
  case "$a" in
    --quiet|-q) quiet=1 ;;
    -*) ;;
    *) if [ -z "$cmd" ]; then cmd="$a"; else unit="\${a%.service}"; fi ;;
  esac
done
echo "$cmd $unit" >>"$RUN/systemctl.log"
pidfile="$RUN/$unit.pid"
# Running = the pid exists and is not a zombie waiting to be reaped (state Z in /proc/<pid>/stat).
running() { kill -0 "$1" 2>/dev/null && [ "$(cut -d' ' -f3 "/proc/$1/stat" 2>/dev/null)" != Z ]; }
alive() { [ -f "$pidfile" ] && running "$(cat "$pidfile")"; }
case "$cmd" in
  start)
    if alive; then exit 0; fi
    "$SERVICE_EXEC" serve </dev/null >>"$RUN/$unit.log" 2>&1 &
    echo $! >"$pidfile"
    exit 0 ;;
  stop)
    if alive; then
      pid=$(cat "$pidfile")
      kill "$pid" 2>/dev/null
      i=0
      while running "$pid" && [ "$i" -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
      kill -9 "$pid" 2>/dev/null
    fi
    rm -f "$pidfile"
    exit 0 ;;
  is-active)
    if alive; then [ "$quiet" = 1 ] || echo active; exit 0; fi
    [ "$quiet" = 1 ] || echo inactive
    exit 3 ;;
  reload|daemon-reload|enable) exit 0 ;;
esac
echo "fake systemctl: unsupported $cmd" >&2
exit 1
`

const JOURNALCTL = `#!/bin/sh
# fake journalctl: the service's captured output
for a in "$@"; do case "$a" in mail|*.service) unit="\${a%.service}" ;; esac; done
echo "-- fake journal of \${unit:-mail} --"
tail -n 20 "$SANDBOX/run/\${unit:-mail}.log" 2>/dev/null
`

export interface Sandbox {
  root: string
  binaryPath: string
  port: number
  /** Environment the "instance" runs scripts with. */
  env: Record<string, string>
  layout: RemoteLayout
  /** Writes a fake release into `dir` (default: the sandbox's releases/) and returns its path. */
  release(kind: ReleaseKind, version: string): string
  /** Installs a release as the current binary (as if deployed earlier) and starts the service. */
  installCurrent(kind: ReleaseKind, version: string): Promise<void>
  /** GET /healthz on the service port: the version answering, or null. */
  healthz(): Promise<{ status: number; version?: string } | null>
  /** Runs a script the way the SSM agent does (sh, the sandbox environment). */
  runScript(script: string): Promise<{ code: number; stdout: string; stderr: string }>
  systemctlLog(): string[]
  cleanup(): void
}

async function freePort(): Promise<number> {
  const probe = Bun.listen({ hostname: '127.0.0.1', port: 0, socket: { data() {} } })
  const port = probe.port
  probe.stop(true)
  return port
}

export async function createSandbox(): Promise<Sandbox> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'deploy-sandbox-'))
  const bin = path.join(root, 'bin')
  const installDir = path.join(root, 'opt', 'mail')
  const releases = path.join(root, 'releases')
  for (const d of [bin, installDir, releases, path.join(root, 'run')]) fs.mkdirSync(d, { recursive: true })
  fs.writeFileSync(path.join(bin, 'systemctl'), SYSTEMCTL, { mode: 0o755 })
  fs.writeFileSync(path.join(bin, 'journalctl'), JOURNALCTL, { mode: 0o755 })
  const binaryPath = path.join(installDir, 'mail-server')
  const port = await freePort()
  const env = {
    PATH: `${bin}:/usr/local/bin:/usr/bin:/bin`,
    HOME: root,
    SANDBOX: root,
    SERVICE_EXEC: binaryPath,
    FAKE_HTTP_PORT: String(port),
  }
  const uid = process.getuid?.() ?? 0
  const gid = process.getgid?.() ?? 0
  const layout: RemoteLayout = {
    binaryPath,
    service: 'mail',
    // The test user owns everything, so the real chown runs and succeeds.
    binaryOwner: `${uid}:${gid}`,
    healthUrl: `http://127.0.0.1:${port}/healthz`,
    healthAttempts: 25,
    healthIntervalSeconds: 0.1,
    logFile: path.join(root, 'var', 'log', 'mail', 'deploy.log'),
  }
  let counter = 0
  const release = (kind: ReleaseKind, version: string) => {
    const file = path.join(releases, `mail-server-${version}-${kind}-${counter++}`)
    const versionCase =
      kind === 'not-runnable'
        ? 'echo "cannot execute binary file: Exec format error" >&2; exit 126'
        : `echo "mail-server ${version}"; exit 0`
    fs.writeFileSync(
      file,
      `#!/bin/sh\n# fake mail-server ${version} (${kind})\ncase "$1" in\n  version) ${versionCase} ;;\n  serve) exec '${process.execPath}' '${FAKE_SERVER}' '${version}' '${kind}' ;;\nesac\nexit 64\n`,
      { mode: 0o755 },
    )
    return file
  }
  const runScript = async (script: string) => {
    const file = path.join(root, `script-${counter++}.sh`)
    fs.writeFileSync(file, script)
    const proc = Bun.spawn(['sh', file], { cwd: root, env, stdout: 'pipe', stderr: 'pipe', stdin: 'ignore' })
    const [code, stdout, stderr] = await Promise.all([
      proc.exited,
      new Response(proc.stdout).text(),
      new Response(proc.stderr).text(),
    ])
    return { code, stdout, stderr }
  }
  const sandbox: Sandbox = {
    root,
    binaryPath,
    port,
    env,
    layout,
    release,
    async installCurrent(kind, version) {
      fs.copyFileSync(release(kind, version), binaryPath)
      fs.chmodSync(binaryPath, 0o755)
      const r = await runScript(`systemctl start mail\n`)
      if (r.code !== 0) throw new Error(`start failed: ${r.stderr}`)
      // Wait until it answers, so tests start from a running service.
      for (let i = 0; i < 200; i++) {
        if ((await sandbox.healthz())?.version === version) return
        await Bun.sleep(25)
      }
      throw new Error(`the current release ${version} did not come up`)
    },
    async healthz() {
      try {
        const res = await fetch(layout.healthUrl, { signal: AbortSignal.timeout(2000) })
        const body = (await res.json()) as { version?: string }
        return { status: res.status, version: body.version }
      } catch {
        return null
      }
    },
    runScript,
    systemctlLog() {
      try {
        return fs
          .readFileSync(path.join(root, 'run', 'systemctl.log'), 'utf8')
          .trim()
          .split('\n')
      } catch {
        return []
      }
    },
    cleanup() {
      // Stop the "service" (a real process) before removing its directory.
      try {
        const pid = Number(fs.readFileSync(path.join(root, 'run', 'mail.pid'), 'utf8'))
        if (pid > 0) process.kill(pid, 'SIGKILL')
      } catch {
        // not running
      }
      fs.rmSync(root, { recursive: true, force: true })
    },
  }
  return sandbox
}
