// bench/startup: binary size, cold start of `serve` until /healthz answers, and idle RSS.
// Targets (issue 3): start < 100 ms, idle RSS < 60 MB. Prints one result line.
// Usage: bun run bench/startup.ts [path/to/mail-server]   (default: dist/mail-server, built if missing)
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

const ROOT = path.resolve(import.meta.dir, '..')
let bin = process.argv[2] ?? path.join(ROOT, 'dist/mail-server')
if (!fs.existsSync(bin)) {
  const built = Bun.spawnSync([process.execPath, 'run', 'build.ts'], {
    cwd: ROOT,
    stdout: 'inherit',
    stderr: 'inherit',
  })
  if (built.exitCode !== 0) process.exit(1)
  bin = path.join(ROOT, 'dist/mail-server')
}

const RUNS = 5
const ports = ['smtp.mx', 'smtp.submission', 'smtp.submissions', 'imap.plain', 'imap.tls', 'pop3.plain', 'pop3.tls']
  .map(k => `${k}.port=0`)
  .concat(['managesieve.port=0', 'http.tlsPort=0'])

async function once(dir: string): Promise<{ startMs: number; rssMb: number }> {
  const httpPort = 20000 + Math.floor(Math.random() * 20000)
  const args = ['serve', '--data-dir', dir, '--set', `http.port=${httpPort}`, ...ports.flatMap(p => ['--set', p])]
  const t0 = performance.now()
  const proc = Bun.spawn([bin, ...args], { cwd: dir, stdout: 'ignore', stderr: 'ignore' })
  let startMs = Number.NaN
  const deadline = Date.now() + 10_000
  while (Date.now() < deadline) {
    try {
      const r = await fetch(`http://127.0.0.1:${httpPort}/healthz`)
      if (r.ok) {
        startMs = performance.now() - t0
        break
      }
    } catch {
      await Bun.sleep(2)
    }
  }
  await Bun.sleep(1000) // let start-up garbage settle before reading idle RSS
  const status = fs.readFileSync(`/proc/${proc.pid}/status`, 'utf8')
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN)
  proc.kill('SIGTERM')
  await proc.exited
  return { startMs, rssMb: rssKb / 1024 }
}

// A first start in an empty data dir also creates the database and generates the self-signed
// certificate; a restart (the case the target is about: deploys, reboots) finds both. Each is a new
// process, so both are cold starts of the binary. Medians of RUNS.
const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number
const first = []
const restart = []
for (let i = 0; i < RUNS; i++) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mail-bench-'))
  first.push(await once(dir))
  restart.push(await once(dir))
  fs.rmSync(dir, { recursive: true, force: true })
}
const size = fs.statSync(bin).size / 2 ** 20
const ms = (rs: { startMs: number }[]) => median(rs.map(r => r.startMs)).toFixed(0)
const mb = (rs: { rssMb: number }[]) => median(rs.map(r => r.rssMb)).toFixed(1)
console.log(
  `startup: binary ${size.toFixed(1)} MiB, start to /healthz ${ms(restart)} ms (first start ${ms(first)} ms; target < 100), idle RSS ${mb(restart)} MB (first start ${mb(first)} MB; target < 60)`,
)
