// The generated SSM script, statically: valid POSIX sh for every action (dash, which is Debian's
// /bin/sh, and bash), values quoted safely, and the result marker parsed back. Running it is in
// test/interop/cloud/remote-script-run.test.ts.
import { describe, expect, test } from 'bun:test'
import {
  parseRemoteResult,
  type RemoteAction,
  type RemoteLayout,
  renderRemoteScript,
  withoutResultMarker,
} from '../../../src/cloud/remote-script.ts'
import { shellQuote } from '../../../src/cloud/shell-quote.ts'

const layout: RemoteLayout = {
  binaryPath: '/opt/mail/mail-server',
  service: 'mail',
  binaryOwner: 'root:root',
  healthUrl: 'http://127.0.0.1/healthz',
  healthAttempts: 30,
  healthIntervalSeconds: 2,
  logFile: '/var/log/mail/deploy.log',
}
const actions: [string, RemoteAction][] = [
  [
    'deploy',
    {
      kind: 'deploy',
      url: "https://b.s3.amazonaws.com/k?X-Amz-Signature=ab&x='y'",
      sha256: 'a'.repeat(64),
      release: 'abc123',
    },
  ],
  ['rollback', { kind: 'rollback' }],
  ['logs', { kind: 'logs', lines: 50 }],
]
const shells = ['dash', 'bash'].filter(s => Bun.which(s))

describe.each(actions)('%s script', (_name, action) => {
  const script = renderRemoteScript(layout, action)
  test.each(shells)('parses with %s -n', shell => {
    const r = Bun.spawnSync([shell, '-n'], { stdin: new TextEncoder().encode(script) })
    expect(r.stderr.toString()).toBe('')
    expect(r.exitCode).toBe(0)
  })
  test('uses no bash-only syntax', () => {
    expect(script).not.toMatch(/\[\[|\bfunction\b|<<<|\$\{[^}]*\/\/|pipefail|\bsource\b/)
  })
  test('carries the seed layout', () => {
    expect(script).toContain("BIN='/opt/mail/mail-server'")
    expect(script).toContain("SERVICE='mail'")
  })
})

test('the deploy script backs up before swapping and checks health with systemctl and /healthz', () => {
  const full = renderRemoteScript(layout, actions[0]?.[1] as RemoteAction)
  expect(full).toContain('systemctl is-active --quiet "$SERVICE" && curl -fsS')
  // The steps of the deploy itself (the helper functions above it use some of the same commands).
  const script = full.slice(full.indexOf('deploying release'))
  const order = [
    'sha256sum -c',
    '"$NEW" version',
    'systemctl stop',
    'cp -p "$BIN" "$BAK"',
    'mv -f "$NEW" "$BIN"',
    'systemctl start',
    'if healthy',
  ]
  const positions = order.map(s => script.indexOf(s))
  for (const p of positions) expect(p).toBeGreaterThan(0)
  expect([...positions].sort((a, b) => a - b)).toEqual(positions)
})

test.each(['', 'plain', "it's", 'a b\tc\nd', '$(rm -rf /) `id` $HOME ${X}', '\'"\\', '--option', 'ünïcödé'])(
  'shellQuote round-trips %j through sh',
  value => {
    const r = Bun.spawnSync(['sh', '-c', `printf %s ${shellQuote(value)}`])
    expect(r.stdout.toString()).toBe(value)
  },
)

test('shellQuote refuses NUL', () => {
  expect(() => shellQuote('a\0b')).toThrow()
})

test.each<[string, string | undefined]>([
  ['log\nDEPLOY_RESULT=deployed\n', 'deployed'],
  ['DEPLOY_RESULT=failed\nmore\nDEPLOY_RESULT=rolled-back\n', 'rolled-back'],
  ['no marker\n', undefined],
  ['DEPLOY_RESULT=bogus\n', undefined],
  ['xDEPLOY_RESULT=deployed\n', undefined],
  ['', undefined],
])('parseRemoteResult(%j)', (stdout, expected) => {
  expect(parseRemoteResult(stdout)).toBe(expected as never)
})

test('withoutResultMarker drops only the marker lines', () => {
  expect(withoutResultMarker('a\nDEPLOY_RESULT=deployed\nb\n')).toBe('a\nb\n')
})

test('output stays under the 24,000 characters SSM returns, so the result marker survives', () => {
  const deploy = renderRemoteScript(layout, actions[0]?.[1] as RemoteAction)
  expect(deploy).toContain('journalctl -u "$SERVICE" --no-pager -n 15 2>&1 | cut -c1-300')
  const logs = renderRemoteScript(layout, { kind: 'logs', lines: 10_000 })
  expect(logs).toContain('-n 10000 2>&1 | tail -c 22000\necho "DEPLOY_RESULT=logs"')
})
