// What the user data installs on the host: the systemd unit (capability, restart policy,
// hardening), /etc/mail/mail.env (only real config variables), log rotation, certificates.
import { describe, expect, test } from 'bun:test'
import { renderJournaldDropIn, renderLogrotate } from '../../../cloud/logrotate.ts'
import { renderMailEnv, renderTlsEnv } from '../../../cloud/mail-env.ts'
import { type CloudParametersInput, parseCloudParameters } from '../../../cloud/parameters.ts'
import { renderSystemdUnit } from '../../../cloud/systemd-unit.ts'
import { renderUserData } from '../../../cloud/user-data.ts'
import { parseEnvFile } from '../../../src/config/env-file.ts'
import { envLayer } from '../../../src/config/env-names.ts'

const base: CloudParametersInput = { domain: 'example.org', hostedZoneId: 'Z0123456789ABCDEFGHIJ', region: 'eu-west-1' }
const params = (extra: Partial<CloudParametersInput> = {}) => parseCloudParameters({ ...base, ...extra })

/** systemd unit as section → key → values (keys may repeat). */
function parseUnit(text: string): Map<string, Map<string, string[]>> {
  const sections = new Map<string, Map<string, string[]>>()
  let current: Map<string, string[]> | undefined
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue
    const header = /^\[(\w+)\]$/.exec(line)
    if (header) {
      current = new Map()
      sections.set(header[1] as string, current)
      continue
    }
    const eq = line.indexOf('=')
    if (eq < 1 || !current) throw new Error(`bad unit line: ${line}`)
    const key = line.slice(0, eq)
    current.set(key, [...(current.get(key) ?? []), line.slice(eq + 1)])
  }
  return sections
}

describe('mail.service', () => {
  const unit = parseUnit(renderSystemdUnit(params()))
  const service = unit.get('Service') as Map<string, string[]>
  const one = (key: string) => service.get(key)?.[0]

  test('runs the seed binary as mail-server with the env file, started after the network', () => {
    expect(one('ExecStart')).toBe('/opt/mail/mail-server serve')
    expect(one('User')).toBe('mail-server')
    expect(one('EnvironmentFile')).toBe('/etc/mail/mail.env')
    expect(unit.get('Unit')?.get('After')).toEqual(['network-online.target'])
    expect(unit.get('Install')?.get('WantedBy')).toEqual(['multi-user.target'])
  })

  test('binds privileged ports through the ambient capability only', () => {
    expect(one('AmbientCapabilities')).toBe('CAP_NET_BIND_SERVICE')
    expect(one('CapabilityBoundingSet')).toBe('CAP_NET_BIND_SERVICE')
    expect(one('NoNewPrivileges')).toBe('true')
  })

  test('restarts on failure, with a bounded burst', () => {
    expect(one('Restart')).toBe('on-failure')
    expect(Number(one('RestartSec'))).toBeGreaterThan(0)
    expect(unit.get('Unit')?.get('StartLimitBurst')).toEqual(['5'])
    // Longer than the server's default shutdownGraceSeconds (30) so SIGTERM can drain.
    expect(Number(one('TimeoutStopSec'))).toBeGreaterThan(30)
  })

  test('hardening: read-only system except the data dir, private tmp, no home, binary read-only', () => {
    expect(one('ProtectSystem')).toBe('strict')
    expect(service.get('ReadWritePaths')).toEqual(['/opt/mail'])
    expect(service.get('ReadOnlyPaths')).toEqual(['-/opt/mail/mail-server'])
    for (const key of [
      'PrivateTmp',
      'ProtectHome',
      'PrivateDevices',
      'ProtectKernelTunables',
      'ProtectKernelModules',
      'ProtectControlGroups',
      'RestrictSUIDSGID',
      'LockPersonality',
    ])
      expect(one(key)).toBe('true')
    // The JIT needs W+X memory: this option would kill the process.
    expect(service.has('MemoryDenyWriteExecute')).toBe(false)
  })

  test('follows the install parameters', () => {
    const custom = parseUnit(renderSystemdUnit(params({ install: { dir: '/srv/mx', service: 'mx', user: 'mx' } })))
    expect(custom.get('Service')?.get('ExecStart')).toEqual(['/srv/mx/mail-server serve'])
    expect(custom.get('Service')?.get('User')).toEqual(['mx'])
  })
})

describe('mail.env', () => {
  test.each([
    ['with SES', {}, 'ses'],
    ['without SES', { ses: false }, 'direct'],
  ] as const)('%s: every line is a known config variable with a valid value', (_name, extra, method) => {
    const text = renderMailEnv(params(extra)) + renderTlsEnv()
    const entries = parseEnvFile(text, 'mail.env')
    const env = Object.fromEntries(entries.map(e => [e.name, e.value]))
    const layer = envLayer(env)
    expect(layer.issues).toEqual([])
    expect(layer.unknown).toEqual([])
    expect(layer.values.get('profile')?.value).toBe('production')
    expect(layer.values.get('hostname')?.value).toBe('mail.example.org')
    expect(layer.values.get('dataDir')?.value).toBe('/opt/mail')
    expect(layer.values.get('delivery.method')?.value).toBe(method)
    expect(layer.values.get('tls.certFile')?.value).toBe('/etc/mail/tls/fullchain.pem')
  })
})

test('log rotation covers /var/log/mail; journald is bounded', () => {
  expect(renderLogrotate()).toStartWith('/var/log/mail/*.log {')
  expect(renderLogrotate()).toContain('rotate 12')
  expect(renderJournaldDropIn()).toContain('SystemMaxUse=')
})

describe('user data', () => {
  test.each<[string, Partial<CloudParametersInput>, string[]]>([
    [
      'AL2023 with certbot from PyPI and the Route53 plugin',
      {},
      ['dnf install', '/opt/certbot/bin/pip install --quiet certbot certbot-dns-route53', '--dns-route53'],
    ],
    [
      'Debian with packaged certbot and the SSM agent',
      { os: 'debian12', certificates: 'standalone' },
      ['apt-get install', 'amazon-ssm-agent.deb', '--standalone', "--pre-hook 'systemctl stop mail'"],
    ],
  ])('%s', (_name, extra, expected) => {
    const script = renderUserData(params(extra))
    for (const s of expected) expect(script).toContain(s)
  })

  test('creates the user, installs the unit, env file, logrotate, renewal timer, and the binary from S3', () => {
    const script = renderUserData(params())
    expect(script).toContain('useradd --system --user-group --home-dir "$INSTALL_DIR"')
    expect(script).toContain("cat >'/etc/mail/mail.env' <<'MAIL_ENV'")
    expect(script).toContain('cat >/etc/systemd/system/mail.service')
    expect(script).toContain('cat >/etc/logrotate.d/mail-server')
    expect(script).toContain('systemctl enable --now mail-certbot-renew.timer')
    expect(script).toContain('aws s3 cp --only-show-errors --region "$REGION" "$RELEASE" "$BIN.new"')
    expect(script).toContain("-d 'mail.example.org' -d 'mta-sts.example.org'")
    // The unit and env file are embedded verbatim.
    expect(script).toContain(renderSystemdUnit(params()))
    expect(script).toContain(renderMailEnv(params()))
  })
})
