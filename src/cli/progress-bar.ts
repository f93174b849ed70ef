// A one-line progress bar for long CLI jobs (DESIGN.md: import, export, backup, restore show
// progress on a TTY). Drawn on stderr only when stderr is a terminal, at most ten times a second,
// so piped and --json output stays clean; done() clears the line.
import { formatBytes } from './format-bytes.ts'

export interface ProgressBar {
  /** `detail` follows the counts (e.g. "1,204 imported"). */
  update(done: number, total: number, detail?: string): void
  done(): void
}

export interface ProgressBarOptions {
  label: string
  unit: 'count' | 'bytes'
  stream?: NodeJS.WriteStream
}

const WIDTH = 28
const INTERVAL_MS = 100

export function createProgressBar(options: ProgressBarOptions): ProgressBar {
  const stream = options.stream ?? process.stderr
  if (!stream.isTTY) return { update() {}, done() {} }
  let last = 0
  let drawn = false
  const amount = (n: number) => (options.unit === 'bytes' ? formatBytes(n) : n.toLocaleString('en-US'))
  return {
    update(done, total, detail) {
      const now = Date.now()
      if (now - last < INTERVAL_MS && done < total) return
      last = now
      const share = total > 0 ? Math.min(1, done / total) : 0
      const filled = Math.round(share * WIDTH)
      const bar = `${'█'.repeat(filled)}${'░'.repeat(WIDTH - filled)}`
      const text = `${options.label} ${bar} ${Math.floor(share * 100)}% ${amount(done)}/${amount(total)}${detail ? ` ${detail}` : ''}`
      const columns = stream.columns ?? 100
      stream.write(`\r\x1b[2K${text.slice(0, columns - 1)}`)
      drawn = true
    },
    done() {
      if (drawn) stream.write('\r\x1b[2K')
      drawn = false
    },
  }
}
