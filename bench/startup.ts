// bench/startup: binary size, cold start of `serve` until /healthz answers, and idle RSS.
// Targets (issue 3): start < 100 ms, idle RSS < 60 MB. Prints one result line.
// Usage: bun run bench/startup.ts [path/to/mail-server]   (default: dist/mail-server, built if missing)
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

const ROOT = path.resolve(import.meta.dir, '..')
let bin = process.argv[2] ?? path.join(ROOT, 'dist/mail-server')
if (!fs.existsSync(bin)) {
  const built = Bun.spawnSync([process.execPath, 'run', 'build.ts'], { cwd: ROOT, stdout: 'inherit', stderr: 'inherit' })
  if (built.exitCode !== 0) process.exit(1)
  bin = path.join(ROOT, 'dist/mail-server')
}

const RUNS = 5
const ports = ['smtp.mx', 'smtp.submission', 'smtp.submissions', 'imap.plain', 'imap.tls', 'pop3.plain', 'pop3.tls']
  .map(k => `${k}.port=0`)
  .concat(['managesieve.port=0', 'http.tlsPort=0'])

async function once(): Promise<{ startMs: number; rssMb: number }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mail-bench-'))
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
  fs.rmSync(dir, { recursive: true, force: true })
  return { startMs, rssMb: rssKb / 1024 }
}

// First run creates the self-signed certificate and database in a fresh dir each time: that is the
// cold start a new install sees. Report the median of RUNS.
const results = []
for (let i = 0; i < RUNS; i++) results.push(await once())
const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number
const size = fs.statSync(bin).size / 2 ** 20
console.log(
  `startup: binary ${size.toFixed(1)} MiB, cold start to /healthz ${median(results.map(r => r.startMs)).toFixed(0)} ms (target < 100), idle RSS ${median(results.map(r => r.rssMb)).toFixed(1)} MB (target < 60)`,
)
