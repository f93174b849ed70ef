// <dataDir>/run/server.json: what a running `serve` is (pid, version, bound ports). Written after
// every listener is up and removed on a clean stop, so scripts, tests and later CLI commands can
// find the live server without parsing logs.
import fs from 'node:fs'
import path from 'node:path'

export interface RuntimeState {
  pid: number
  startedAt: string
  version: string
  http: { address: string; port: number }[]
  listeners: { name: string; address: string; port: number }[]
}

export const runtimeStatePath = (dataDir: string) => path.join(dataDir, 'run', 'server.json')

export function writeRuntimeState(dataDir: string, state: RuntimeState): void {
  const file = runtimeStatePath(dataDir)
  fs.mkdirSync(path.dirname(file), { recursive: true })
  // Write-then-rename so a reader never sees half a file.
  const tmp = `${file}.${process.pid}.tmp`
  fs.writeFileSync(tmp, `${JSON.stringify(state, null, 2)}\n`)
  fs.renameSync(tmp, file)
}

export function removeRuntimeState(dataDir: string): void {
  fs.rmSync(runtimeStatePath(dataDir), { force: true })
}

export function readRuntimeState(dataDir: string): RuntimeState | null {
  try {
    return JSON.parse(fs.readFileSync(runtimeStatePath(dataDir), 'utf8')) as RuntimeState
  } catch {
    return null
  }
}
