// bench/import: `mail-server import mbox` throughput (issue 9 §4). An mbox of `--messages` messages
// of `--size` bytes (mboxrd, LF line ends, a Status field on every other one) is written to a temp
// dir; a fresh storage gets one account; the importer (src/import-export/importer.ts, the code the
// CLI runs) reads the file and appends through storage.messageBatches, each batch durable (files
// synced, index committed and synced) before the next is indexed. Timed from opening the source to
// the summary. Besides msg/s it prints the CPU time per message, in all and on the event loop: on a
// shared machine those vary far less than the rate.
// Target: >= 5,000 msg/s for 4 KiB messages on the 2-core VM. Prints one result line.
//
// Usage: bun run bench/import.ts [--messages 10000] [--size 4096]
import fs from 'node:fs'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { systemClock } from '../src/core/clock.ts'
import { importMessages } from '../src/import-export/importer.ts'
import { openMboxSource } from '../src/import-export/mbox-source.ts'
import { createStorage } from '../src/storage/index.ts'
import { benchWorkDir, fileCreateMicros } from './support/work-dir.ts'

const { values: args } = parseArgs({
  args: Bun.argv.slice(2),
  options: { messages: { type: 'string', default: '10000' }, size: { type: 'string', default: '4096' } },
})
const MESSAGES = Math.min(200_000, Number(args.messages))
const SIZE = Number(args.size)
const TARGET = 5000

const work = benchWorkDir('import-')
const createMicros = fileCreateMicros(work)
try {
  const mboxPath = path.join(work, 'archive.mbox')
  writeMbox(mboxPath)
  const storage = await createStorage({ dataDir: path.join(work, 'data'), hostname: 'bench.test' })
  try {
    await storage.domains.add('bench.test')
    const account = await storage.accounts.create({
      email: 'bench@bench.test',
      passwordHash: '$argon2id$v=19$m=65536,t=3,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g',
    })
    const started = performance.now()
    const cpuBefore = process.cpuUsage()
    const loopBefore = eventLoopCpuMicros()
    const summary = await importMessages({
      storage,
      accountId: account.id,
      source: await openMboxSource(mboxPath),
      clock: systemClock,
      maxMessageBytes: 64 * 2 ** 20,
    })
    const seconds = (performance.now() - started) / 1000
    // CPU per message varies far less with the other load on the machine than msg/s does; the
    // event loop's share is what bounds the rate (the rest runs on the thread pool and a worker).
    const cpu = process.cpuUsage(cpuBefore)
    const loop = eventLoopCpuMicros() - loopBefore
    if (summary.imported !== MESSAGES || summary.problems.length > 0)
      throw new Error(`imported ${summary.imported} of ${MESSAGES}, ${summary.problems.length} problems`)
    const rate = MESSAGES / seconds
    console.log(
      `import: ${MESSAGES} mbox messages of ${SIZE} B in ${seconds.toFixed(2)} s = ${Math.round(rate)} msg/s ` +
        `(${((MESSAGES * SIZE) / 2 ** 20 / seconds).toFixed(1)} MiB/s; target ` +
        `>= ${TARGET} msg/s ${rate >= TARGET ? 'met' : 'NOT met'}; CPU per message ${Math.round(cpu.user / MESSAGES)} µs ` +
        `user + ${Math.round(cpu.system / MESSAGES)} µs sys` +
        `${Number.isNaN(loop) ? '' : `, ${Math.round(loop / MESSAGES)} µs of it on the event loop`}; ` +
        `file create ${createMicros} µs (work-dir.ts))`,
    )
  } finally {
    storage.close()
  }
} finally {
  fs.rmSync(work, { recursive: true, force: true })
}

/** CPU time (user + system, µs) of this thread, the event loop's; NaN where /proc has no such file. */
function eventLoopCpuMicros(): number {
  try {
    const stat = fs.readFileSync(`/proc/self/task/${process.pid}/stat`, 'latin1')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    // utime and stime (fields 14 and 15 of proc(5)), in clock ticks of 10 ms.
    return (Number(fields[11]) + Number(fields[12])) * 10_000
  } catch {
    return Number.NaN
  }
}

/** `MESSAGES` messages of about `SIZE` bytes each, written in one pass. */
function writeMbox(file: string): void {
  const fd = fs.openSync(file, 'w')
  const line = `${'Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor'.slice(0, 75)}\n`
  try {
    for (let i = 0; i < MESSAGES; i++) {
      const date = new Date(Date.UTC(2025, 0, 1) + i * 60_000)
      let head =
        `From sender@example.test ${date.toUTCString().replace(/^(\w+), (\d+) (\w+) (\d+) (.*) GMT$/, '$1 $3 $2 $5 $4')}\n` +
        `From: Sender <sender@example.test>\nTo: bench@bench.test\nSubject: message ${i}\n` +
        `Date: ${date.toUTCString()}\nMessage-ID: <${i}.bench@example.test>\n`
      if (i % 2 === 0) head += 'Status: RO\n'
      head += '\n'
      let body = ''
      while (head.length + body.length + line.length < SIZE) body += line
      fs.writeSync(fd, `${head}${body}\n`)
    }
  } finally {
    fs.closeSync(fd)
  }
}
