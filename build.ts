// Builds the single executable: `bun run build [--target linux-x64|linux-arm64|all] [--outfile path]`.
// Migrations, templates and static assets are imported by the source (text/file imports), so
// `bun build --compile` embeds them and the binary runs from an empty folder.
import { parseArgs } from 'node:util'
import pkg from './package.json' with { type: 'json' }

const TARGETS = { 'linux-x64': 'bun-linux-x64', 'linux-arm64': 'bun-linux-arm64' } as const
type TargetName = keyof typeof TARGETS

const { values } = parseArgs({
  args: Bun.argv.slice(2),
  options: { target: { type: 'string' }, outfile: { type: 'string' }, docs: { type: 'boolean' } },
})

if (values.docs) {
  // Regenerate the README's configuration reference from the schema, then stop.
  const { withConfigReference } = await import('./src/config/readme-reference.ts')
  await Bun.write('README.md', withConfigReference(await Bun.file('README.md').text()))
  console.log('README.md configuration reference updated')
  process.exit(0)
}

// The admin stylesheet is generated from the templates (ui/admin.css) and embedded like them.
const { writeStylesheet } = await import('./src/admin/build-stylesheet.ts')
if (await writeStylesheet(process.cwd())) console.log('regenerated ui/admin.css')

const requested = values.target ?? 'host'
const targets: (TargetName | 'host')[] =
  requested === 'all' ? ['linux-x64', 'linux-arm64'] : requested === 'host' ? ['host'] : [requested as TargetName]
for (const t of targets)
  if (t !== 'host' && !(t in TARGETS)) {
    console.error(`unknown --target ${t}; use one of: host, all, ${Object.keys(TARGETS).join(', ')}`)
    process.exit(2)
  }

const git = (args: string[]) => {
  const r = Bun.spawnSync(['git', ...args], { stderr: 'ignore' })
  return r.exitCode === 0 ? r.stdout.toString().trim() : ''
}
const commit = git(['rev-parse', '--short=12', 'HEAD']) || 'unknown'
const dirty = git(['status', '--porcelain', '--untracked-files=no']) ? '-dirty' : ''
const buildDate = new Date().toISOString()

for (const target of targets) {
  const outfile =
    values.outfile ?? (target === 'host' || targets.length === 1 ? 'dist/mail-server' : `dist/mail-server-${target}`)
  const cmd = [
    process.execPath,
    'build',
    '--compile',
    '--minify',
    '--bytecode',
    // --bytecode defaults to CJS, where top-level await fails to parse (shared notes §6).
    '--format=esm',
    // Dynamic imports become separate chunks inside the executable, loaded when first imported: the
    // CLI commands, mailauth, zod and the lazily mounted HTTP parts and protocol sessions stay out of an idle
    // server's memory (issue 3's RSS budget).
    '--splitting',
    // File imports (the admin templates) keep their project path inside the binary, under
    // /$bunfs/root/ui/…, where stx's @extends/@include look for layouts and partials.
    '--root=.',
    '--asset-naming=[dir]/[name].[ext]',
    // The binary must not pick up a stray .env or bunfig.toml from the directory it runs in.
    '--no-compile-autoload-dotenv',
    '--no-compile-autoload-bunfig',
    `--define=MAIL_SERVER_VERSION=${JSON.stringify(pkg.version)}`,
    `--define=MAIL_SERVER_COMMIT=${JSON.stringify(commit + dirty)}`,
    `--define=MAIL_SERVER_BUILD_DATE=${JSON.stringify(buildDate)}`,
    ...(target === 'host' ? [] : [`--target=${TARGETS[target]}`]),
    'src/main.ts',
    '--outfile',
    outfile,
  ]
  const started = performance.now()
  const proc = Bun.spawn(cmd, { stdout: 'inherit', stderr: 'inherit' })
  if ((await proc.exited) !== 0) {
    console.error(`build failed for ${target}`)
    process.exit(1)
  }
  const size = Bun.file(outfile).size
  console.log(
    `built ${outfile} (${target}) ${(size / 2 ** 20).toFixed(1)} MiB in ${Math.round(performance.now() - started)} ms`,
  )
}
