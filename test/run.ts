export {}

// Runs `bun test` (arguments passed through), streams its output, then prints one plain line
// "N passed, N failed, N skipped" — the closing line CI reads — and exits with bun test's code.
// bun test writes its results and summary to stderr (shared notes, bun-platform §10).
const args = process.argv.slice(2)
// bunfig's [test] timeout is not applied by bun 1.4.5; pass it explicitly.
const proc = Bun.spawn([process.execPath, 'test', '--timeout=20000', ...args], {
  stdout: 'inherit',
  stderr: 'pipe',
  env: { ...process.env },
})
let tail = ''
const decoder = new TextDecoder()
for await (const chunk of proc.stderr) {
  process.stderr.write(chunk)
  tail = (tail + decoder.decode(chunk, { stream: true })).slice(-16384)
}
const code = await proc.exited
// biome-ignore lint: control characters are the point here
const plain = tail.replace(/\x1b\[[0-9;]*m/g, '')
const count = (word: string) => Number(new RegExp(`^\\s*(\\d+) ${word}$`, 'm').exec(plain)?.[1] ?? 0)
const passed = count('pass')
let failed = count('fail')
const skipped = count('skip') + count('todo')
// Load errors, "No tests found" and unmatched -t filters fail without a "fail" count.
if (code !== 0 && failed === 0) failed = Math.max(1, count('error'))
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`)
process.exit(code)
