// The certificate store: self-signed generation and reuse, configured PEM files (Let's Encrypt
// layout), validation, and rotation under live connections (new connections see the new
// certificate, open ones keep working).
import { afterEach, beforeAll, describe, expect, test } from 'bun:test'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { TLSSocket } from 'node:tls'
import { manualClock } from '../../../src/core/clock.ts'
import { MailError } from '../../../src/core/errors.ts'
import { createLogger } from '../../../src/core/logger.ts'
import { type RunningListener, startListener } from '../../../src/net/listener.ts'
import type { CertificatePair } from '../../../src/net/transport.ts'
import { type CertificateStore, createCertificateStore } from '../../../src/security/tls/certificate-store.ts'
import { createSelfSignedCertificate } from '../../../src/security/tls/self-signed.ts'
import { LineClient, eventually } from '../net/helpers/line-client.ts'
import { newToyLog, toyFactory } from '../net/helpers/toy-session.ts'

let pairA: CertificatePair
let pairB: CertificatePair
const dirs: string[] = []
const stores: CertificateStore[] = []
const listeners: RunningListener[] = []
const clients: LineClient[] = []

beforeAll(async () => {
  pairA = await createSelfSignedCertificate({ hostname: 'a.example.test' })
  pairB = await createSelfSignedCertificate({ hostname: 'b.example.test' })
})

afterEach(async () => {
  for (const c of clients.splice(0)) c.close()
  await Promise.all(listeners.splice(0).map(l => l.stop()))
  for (const s of stores.splice(0)) s.close()
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true })
})

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cert-store-'))
  dirs.push(dir)
  return dir
}

async function store(options: Partial<Parameters<typeof createCertificateStore>[0]> & { dataDir: string }) {
  const s = await createCertificateStore({ certFile: '', keyFile: '', hostname: 'mail.example.test', ...options })
  stores.push(s)
  return s
}

/** A Let's Encrypt style live/ directory; the chain carries an extra (intermediate-like) certificate. */
function writeLive(dir: string, pair: CertificatePair, extraChain = pairB.cert) {
  const live = path.join(dir, 'live', 'mail.example.test')
  fs.mkdirSync(live, { recursive: true })
  const certFile = path.join(live, 'fullchain.pem')
  const keyFile = path.join(live, 'privkey.pem')
  fs.writeFileSync(certFile, pair.cert + extraChain)
  fs.writeFileSync(keyFile, pair.key)
  return { certFile, keyFile }
}

async function expectMailError(p: Promise<unknown>, fragment: string) {
  let caught: unknown
  try {
    await p
  } catch (e) {
    caught = e
  }
  expect(caught).toBeInstanceOf(MailError)
  expect((caught as MailError).message).toContain(fragment)
}

describe('self-signed', () => {
  test('generated once (key file 0600) and reused by the next start', async () => {
    const dataDir = tempDir()
    const first = await store({ dataDir })
    const info = first.info()
    expect(info.selfSigned).toBe(true)
    expect(info.sans).toEqual(['mail.example.test', 'localhost', '127.0.0.1', '::1'])
    expect(info.source).toBe(path.join(dataDir, 'tls', 'self-signed.crt'))
    expect(fs.statSync(path.join(dataDir, 'tls', 'self-signed.key')).mode & 0o777).toBe(0o600)
    const second = await store({ dataDir })
    expect(second.current().cert).toBe(first.current().cert)
    expect(second.current().key).toBe(first.current().key)
    expect(await second.reload()).toBe(false)
  })

  test('regenerated when the hostname changes', async () => {
    const dataDir = tempDir()
    const first = await store({ dataDir })
    const second = await store({ dataDir, hostname: 'other.example.test' })
    expect(second.current().cert).not.toBe(first.current().cert)
    expect(second.info().sans[0]).toBe('other.example.test')
  })

  test('regenerated when damaged', async () => {
    const dataDir = tempDir()
    const first = await store({ dataDir })
    fs.writeFileSync(path.join(dataDir, 'tls', 'self-signed.key'), pairB.key) // does not match
    const second = await store({ dataDir })
    expect(second.current().cert).not.toBe(first.current().cert)
    expect(second.info().sans[0]).toBe('mail.example.test')
  })

  test('renewed by reload() within 30 days of expiry, and onChange is told', async () => {
    const dataDir = tempDir()
    const clock = manualClock(Date.now())
    const s = await store({ dataDir, clock })
    const changes: string[] = []
    s.onChange(info => changes.push(info.fingerprint256))
    const before = s.info()
    clock.advance(800 * 86_400_000) // 825-day certificate: 25 days left
    expect(await s.reload()).toBe(true)
    expect(s.info().fingerprint256).not.toBe(before.fingerprint256)
    expect(s.info().notAfter.getTime()).toBeGreaterThan(clock.now() + 800 * 86_400_000)
    expect(changes).toEqual([s.info().fingerprint256])
  })
})

describe('configured PEM files', () => {
  test('a Let’s Encrypt fullchain + privkey pair is loaded; the leaf describes it', async () => {
    const files = writeLive(tempDir(), pairA)
    const s = await store({ dataDir: tempDir(), ...files })
    expect(s.current().cert).toBe(pairA.cert + pairB.cert)
    expect(s.info().source).toBe(files.certFile)
    expect(s.info().subject).toBe('CN=a.example.test')
    expect(s.info().notAfter).toBeInstanceOf(Date)
  })

  test.each([
    ['certificate', 'certFile'],
    ['key', 'keyFile'],
  ] as const)('a missing %s file is a clear error naming the path', async (_what, field) => {
    const files = writeLive(tempDir(), pairA)
    const missing = `${files[field]}.gone`
    await expectMailError(store({ dataDir: tempDir(), ...files, [field]: missing }), `${missing}: not found`)
  })

  test('a key that does not match the certificate is refused, naming both files', async () => {
    const dir = tempDir()
    const files = writeLive(dir, pairA)
    fs.writeFileSync(files.keyFile, pairB.key)
    await expectMailError(
      store({ dataDir: tempDir(), ...files }),
      `private key in ${files.keyFile} does not match the certificate in ${files.certFile}`,
    )
  })

  test('garbage instead of a certificate is refused, naming the file', async () => {
    const files = writeLive(tempDir(), pairA)
    fs.writeFileSync(files.certFile, 'not a certificate\n')
    await expectMailError(store({ dataDir: tempDir(), ...files }), files.certFile)
  })

  test('only one of certFile/keyFile set is a configuration error', async () => {
    await expectMailError(store({ dataDir: tempDir(), certFile: '/x/fullchain.pem' }), 'must be set together')
  })

  test('a broken replacement keeps the old certificate (with a warning); the completed one is taken', async () => {
    const lines: string[] = []
    const logger = createLogger({ level: 'warn', format: 'json', sink: l => lines.push(l) })
    const files = writeLive(tempDir(), pairA)
    const s = await store({ dataDir: tempDir(), ...files, logger })
    fs.writeFileSync(files.certFile, pairB.cert) // renewal half written: new chain, old key
    expect(await s.reload()).toBe(false)
    expect(s.current().key).toBe(pairA.key)
    expect(s.info().subject).toBe('CN=a.example.test')
    expect(lines.some(l => l.includes('keeping the current certificate'))).toBe(true)
    fs.writeFileSync(files.keyFile, pairB.key)
    expect(await s.reload()).toBe(true)
    expect(s.info().subject).toBe('CN=b.example.test')
    expect(await s.reload()).toBe(false) // unchanged files: nothing to do
  })

  test('the file watcher picks up a renewal by itself', async () => {
    const files = writeLive(tempDir(), pairA)
    const s = await store({ dataDir: tempDir(), ...files, watchIntervalMs: 20 })
    const seen: string[] = []
    const unsubscribe = s.onChange(info => seen.push(info.subject))
    // certbot swaps the live/ symlinks to new archive files; write new files and rename over.
    fs.writeFileSync(`${files.keyFile}.new`, pairB.key)
    fs.writeFileSync(`${files.certFile}.new`, pairB.cert)
    fs.renameSync(`${files.keyFile}.new`, files.keyFile)
    fs.renameSync(`${files.certFile}.new`, files.certFile)
    await eventually(() => seen.length === 1)
    expect(seen).toEqual(['CN=b.example.test'])
    unsubscribe()
    fs.writeFileSync(files.keyFile, pairA.key)
    fs.writeFileSync(files.certFile, pairA.cert)
    await eventually(() => s.info().subject === 'CN=a.example.test')
    expect(seen).toHaveLength(1) // unsubscribed
  })
})

describe('rotation under live connections', () => {
  const fingerprint = (c: LineClient) => (c.socket as TLSSocket).getPeerCertificate().fingerprint256

  for (const mode of ['implicit', 'starttls'] as const) {
    test(`${mode}: a new connection gets the new certificate; an open one keeps working`, async () => {
      const files = writeLive(tempDir(), pairA)
      const s = await store({ dataDir: tempDir(), ...files })
      const log = newToyLog()
      const listener = startListener({
        name: 'toy',
        hostname: '127.0.0.1',
        port: 0,
        tls: mode === 'implicit' ? 'implicit' : 'none',
        tlsProvider: s,
        factory: toyFactory(log),
      })
      listeners.push(listener)
      const open = async (ca: string) => {
        if (mode === 'implicit') {
          const c = await LineClient.connectTls(listener.port, { ca })
          clients.push(c)
          await c.readReply()
          return c
        }
        const plain = await LineClient.connect(listener.port)
        clients.push(plain)
        await plain.readReply()
        plain.write('STARTTLS\r\n')
        await plain.readReply()
        const c = await plain.upgrade({ ca })
        clients.push(c)
        return c
      }

      const before = await open(pairA.cert)
      const fingerprintA = s.info().fingerprint256
      expect(fingerprint(before)).toBe(fingerprintA)

      fs.writeFileSync(files.keyFile, pairB.key)
      fs.writeFileSync(files.certFile, pairB.cert)
      expect(await s.reload()).toBe(true)

      const after = await open(pairB.cert)
      expect(fingerprint(after)).toBe(s.info().fingerprint256)
      expect(fingerprint(after)).not.toBe(fingerprintA)

      before.write('NOOP still-here\r\n')
      expect(await before.readReply()).toBe('250 2.0.0 NOOP still-here (tls)')
    })
  }
})
