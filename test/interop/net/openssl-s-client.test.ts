// Interop with a real TLS client: `openssl s_client -starttls smtp` against the listener's STARTTLS,
// implicit TLS, and the TLS version floor (TLS 1.1 refused, 1.2 and 1.3 accepted; RFC 8996).
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { type RunningListener, startListener } from '../../../src/net/listener.ts'
import type { CertificatePair } from '../../../src/net/transport.ts'
import { createSelfSignedCertificate } from '../../../src/security/tls/self-signed.ts'
import { newToyLog, toyFactory } from '../../unit/net/helpers/toy-session.ts'

const openssl = Bun.which('openssl')
let dir: string
let caFile: string
let pair: CertificatePair
let starttls: RunningListener
let implicit: RunningListener
const log = newToyLog()

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'net-openssl-'))
  pair = await createSelfSignedCertificate({ hostname: 'mx.example.test' })
  caFile = path.join(dir, 'cert.pem')
  fs.writeFileSync(caFile, pair.cert)
  const common = { hostname: '127.0.0.1', port: 0, tlsProvider: { current: () => pair }, factory: toyFactory(log) }
  starttls = startListener({ name: 'smtp', tls: 'none', ...common })
  implicit = startListener({ name: 'smtps', tls: 'implicit', ...common })
})

afterAll(async () => {
  await Promise.all([starttls?.stop(), implicit?.stop()])
  fs.rmSync(dir, { recursive: true, force: true })
})

/** Run s_client with `input` on stdin (LF → CRLF); resolves with its exit code and output. */
async function sClient(args: string[], input: string) {
  const proc = Bun.spawn([openssl as string, 's_client', '-brief', '-crlf', '-ign_eof', ...args], {
    stdin: new TextEncoder().encode(input),
    stdout: 'pipe',
    stderr: 'pipe',
  })
  const killer = setTimeout(() => proc.kill(), 10_000) // hang guard only
  const [stdout, stderr, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ])
  clearTimeout(killer)
  return { code, stdout, stderr }
}

describe.skipIf(!openssl)('openssl s_client', () => {
  test('-starttls smtp: verified handshake, then commands run inside TLS', async () => {
    const r = await sClient(
      [
        '-starttls',
        'smtp',
        '-connect',
        `127.0.0.1:${starttls.port}`,
        '-CAfile',
        caFile,
        '-verify_return_error',
        '-verify_hostname',
        'localhost',
      ],
      'NOOP via-openssl\nQUIT\n',
    )
    expect(r.stderr).toContain('Verification: OK')
    expect(r.stdout).toContain('250 2.0.0 NOOP via-openssl (tls)')
    expect(r.stdout).toContain('221 2.0.0 Bye')
    expect(r.code).toBe(0)
    expect(log.executed).toContain('tls:NOOP via-openssl')
  })

  test('implicit TLS with the same certificate', async () => {
    const r = await sClient(
      ['-connect', `127.0.0.1:${implicit.port}`, '-CAfile', caFile, '-verify_return_error'],
      'NOOP implicit\nQUIT\n',
    )
    expect(r.stderr).toContain('Verification: OK')
    expect(r.stdout).toContain('220 toy ESMTP')
    expect(r.stdout).toContain('250 2.0.0 NOOP implicit (tls)')
    expect(r.code).toBe(0)
  })

  test.each([
    ['-tls1_2', 'TLSv1.2'],
    ['-tls1_3', 'TLSv1.3'],
  ])('%s is accepted', async (flag, version) => {
    const r = await sClient([flag, '-connect', `127.0.0.1:${implicit.port}`, '-CAfile', caFile], 'QUIT\n')
    expect(r.stderr).toContain(`Protocol version: ${version}`)
    expect(r.stdout).toContain('221 2.0.0 Bye')
  })

  // SECLEVEL=0 lets OpenSSL 3 offer TLS 1.1 at all, so the refusal below comes from the server.
  test.each([
    ['implicit TLS', () => ['-connect', `127.0.0.1:${implicit.port}`]],
    ['STARTTLS', () => ['-starttls', 'smtp', '-connect', `127.0.0.1:${starttls.port}`]],
  ])('TLS 1.1 is refused (%s)', async (_name, target) => {
    const r = await sClient(['-tls1_1', '-cipher', 'DEFAULT@SECLEVEL=0', ...target()], 'QUIT\n')
    expect(r.code).not.toBe(0)
    expect(r.stderr).toMatch(/protocol version|unsupported protocol|no protocols available/i)
    expect(r.stdout).not.toContain('221 2.0.0 Bye')
  })
})
