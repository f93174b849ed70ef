// Builds the single executable once per test process (bun test runs every file in one process),
// into a temp dir, exactly as `bun run build` does. e2e tests drive that binary, never the source.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

const ROOT = path.resolve(import.meta.dir, '../..')
let building: Promise<string> | null = null

export function compiledBinary(): Promise<string> {
  building ??= (async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mail-bin-'))
    const outfile = path.join(dir, 'mail-server')
    const proc = Bun.spawn([process.execPath, 'run', 'build.ts', '--outfile', outfile], {
      cwd: ROOT,
      stdout: 'pipe',
      stderr: 'pipe',
    })
    const [code, out, err] = await Promise.all([
      proc.exited,
      new Response(proc.stdout).text(),
      new Response(proc.stderr).text(),
    ])
    if (code !== 0) throw new Error(`build failed (${code}):\n${out}\n${err}`)
    process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }))
    return outfile
  })()
  return building
}

export interface RunResult {
  code: number
  stdout: string
  stderr: string
}

/** Runs the binary to completion in `cwd` (an empty temp dir by default) with optional stdin. */
export async function runBinary(
  bin: string,
  args: string[],
  options: { cwd?: string; stdin?: string; env?: Record<string, string> } = {},
): Promise<RunResult> {
  const proc = Bun.spawn([bin, ...args], {
    cwd: options.cwd ?? os.tmpdir(),
    stdin: options.stdin === undefined ? 'ignore' : new TextEncoder().encode(options.stdin),
    stdout: 'pipe',
    stderr: 'pipe',
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: os.tmpdir(), ...options.env },
  })
  const [code, stdout, stderr] = await Promise.all([
    proc.exited,
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
  ])
  return { code, stdout, stderr }
}

/** Every listener on an OS-chosen port, so parallel runs never collide. */
export const freePortFlags = [
  'smtp.mx.port=0',
  'smtp.submission.port=0',
  'smtp.submissions.port=0',
  'imap.plain.port=0',
  'imap.tls.port=0',
  'pop3.plain.port=0',
  'pop3.tls.port=0',
  'managesieve.port=0',
  'http.port=0',
  'http.tlsPort=0',
].flatMap(s => ['--set', s])
