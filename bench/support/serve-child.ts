// The bench scripts that need a server process of their own run themselves again with `--serve`:
// the child starts the server and prints one JSON line (its port, and what else the parent needs)
// before anything is measured, so the parent's client and the server never share an event loop.
import type { Subprocess } from 'bun'

export function spawnServeChild(
  script: string,
  extraArgs: readonly string[] = [],
): Subprocess<'pipe', 'pipe', 'inherit'> {
  return Bun.spawn([process.execPath, 'run', script, '--serve', ...extraArgs], {
    stdin: 'pipe',
    stdout: 'pipe',
    stderr: 'inherit',
  })
}

/** The child's ready line, parsed; throws when the child exits before printing it. */
export async function readReadyLine<T>(child: Subprocess<'pipe', 'pipe', 'inherit'>): Promise<T> {
  const reader = child.stdout.getReader()
  const decoder = new TextDecoder()
  let head = ''
  while (!head.includes('\n')) {
    const { value, done } = await reader.read()
    if (done) throw new Error('server exited before it was ready')
    head += decoder.decode(value, { stream: true })
  }
  reader.releaseLock()
  return JSON.parse(head.slice(0, head.indexOf('\n'))) as T
}
