// The certificate every TLS listener presents. Either configured PEM files (Let's Encrypt layout:
// /etc/letsencrypt/live/<host>/fullchain.pem + privkey.pem), re-read when they change, or a
// self-signed certificate kept in <dataDir>/tls/. Listeners call current() at every STARTTLS and
// implicit-TLS accept, so a renewal applies to new connections without dropping open ones.
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { type Clock, systemClock } from '../../core/clock.ts'
import { MailError, errorMessage } from '../../core/errors.ts'
import { type Logger, silentLogger } from '../../core/logger.ts'
import type { CertificatePair, TlsProvider } from '../../net/transport.ts'
import { type CertificateInfo, certificateCoversHost, inspectCertificatePair } from './certificate-info.ts'
import { createSelfSignedCertificate } from './self-signed.ts'

export interface CertificateStoreOptions {
  /** PEM chain; empty (with keyFile empty) = self-signed. */
  certFile: string
  keyFile: string
  /** Host the self-signed certificate is issued for. */
  hostname: string
  /** The self-signed pair lives in <dataDir>/tls/. */
  dataDir: string
  logger?: Logger
  /** How often to check the files (configured) or the expiry (self-signed); 0 = never (tests call reload()). */
  watchIntervalMs?: number
  clock?: Clock
}

export interface CertificateStore extends TlsProvider {
  /** The pair to present now. */
  current(): CertificatePair
  info(): CertificateInfo
  /**
   * Re-read the configured files (SIGHUP, file change) or renew an expiring self-signed certificate.
   * A pair that does not validate is ignored with a warning and the current one stays. True if it changed.
   */
  reload(): Promise<boolean>
  /** Called after the certificate changed; returns an unsubscribe function. */
  onChange(listener: (info: CertificateInfo) => void): () => void
  /** Stop watching. */
  close(): void
}

/** A self-signed certificate is replaced this long before it expires. */
export const SELF_SIGNED_RENEW_BEFORE_MS = 30 * 86_400_000

interface Loaded {
  pair: CertificatePair
  info: CertificateInfo
}

export async function createCertificateStore(options: CertificateStoreOptions): Promise<CertificateStore> {
  const logger = (options.logger ?? silentLogger).child({ component: 'tls' })
  const clock = options.clock ?? systemClock
  const configured = options.certFile !== '' || options.keyFile !== ''
  if (configured && (options.certFile === '' || options.keyFile === '')) {
    throw new MailError('user', 'tls.certFile and tls.keyFile must be set together (or both left empty)', {
      code: 'tls_config',
    })
  }
  const selfSignedPaths = {
    certFile: join(options.dataDir, 'tls', 'self-signed.crt'),
    keyFile: join(options.dataDir, 'tls', 'self-signed.key'),
  }

  const loadSelfSigned = async (): Promise<Loaded> => {
    const existing = await readSelfSigned(selfSignedPaths)
    if (existing && selfSignedUsable(existing.info, options.hostname, clock.now())) return existing
    const pair = await createSelfSignedCertificate({ hostname: options.hostname, now: clock.date() })
    await writePair(selfSignedPaths, pair)
    const info = await inspectCertificatePair(pair, selfSignedPaths)
    logger.info('generated a self-signed certificate', {
      file: selfSignedPaths.certFile,
      hostname: options.hostname,
      notAfter: info.notAfter.toISOString(),
    })
    return { pair, info }
  }

  const loadConfigured = async (): Promise<Loaded> => {
    const files = { certFile: options.certFile, keyFile: options.keyFile }
    const pair = {
      cert: await readPem(files.certFile, 'certificate'),
      key: await readPem(files.keyFile, 'private key'),
    }
    return { pair, info: await inspectCertificatePair(pair, files) }
  }

  let active: Loaded = configured ? await loadConfigured() : await loadSelfSigned()
  if (configured) logger.info('loaded certificate', describe(active.info))
  let seen = configured ? await fileSignature(options.certFile, options.keyFile) : ''
  const listeners = new Set<(info: CertificateInfo) => void>()

  const swap = (next: Loaded) => {
    active = next
    logger.info('certificate changed', describe(next.info))
    for (const listener of listeners) {
      try {
        listener(next.info)
      } catch (e) {
        logger.error('certificate change listener failed', { error: e })
      }
    }
  }

  const reloadOnce = async (): Promise<boolean> => {
    if (!configured) {
      if (selfSignedUsable(active.info, options.hostname, clock.now())) return false
      swap(await loadSelfSigned())
      return true
    }
    seen = await fileSignature(options.certFile, options.keyFile)
    let next: Loaded
    try {
      next = await loadConfigured()
    } catch (e) {
      // Likely a renewal caught half-written (new chain, old key): keep serving the working pair.
      logger.warn('certificate files did not validate; keeping the current certificate', { error: errorMessage(e) })
      return false
    }
    if (next.pair.cert === active.pair.cert && next.pair.key === active.pair.key) return false
    swap(next)
    return true
  }

  // One reload at a time: SIGHUP and the poller may fire together.
  let chain: Promise<unknown> = Promise.resolve()
  const reload = (): Promise<boolean> => {
    const run = chain.then(reloadOnce, reloadOnce)
    chain = run.catch(() => undefined)
    return run
  }

  const poll = async () => {
    try {
      if (configured && (await fileSignature(options.certFile, options.keyFile)) === seen) return
      await reload()
    } catch (e) {
      logger.warn('certificate check failed', { error: errorMessage(e) })
    }
  }
  const interval = options.watchIntervalMs ?? 0
  const timer = interval > 0 ? setInterval(poll, interval) : null
  timer?.unref()

  return {
    current: () => active.pair,
    info: () => active.info,
    reload,
    onChange(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    close() {
      if (timer) clearInterval(timer)
    },
  }
}

function describe(info: CertificateInfo) {
  return {
    source: info.source,
    subject: info.subject,
    notAfter: info.notAfter.toISOString(),
    fingerprint256: info.fingerprint256,
  }
}

function selfSignedUsable(info: CertificateInfo, hostname: string, now: number): boolean {
  return (
    certificateCoversHost(info, hostname) &&
    info.notBefore.getTime() <= now &&
    info.notAfter.getTime() - now > SELF_SIGNED_RENEW_BEFORE_MS
  )
}

async function readSelfSigned(files: { certFile: string; keyFile: string }): Promise<Loaded | null> {
  try {
    const pair = { cert: await readFile(files.certFile, 'utf8'), key: await readFile(files.keyFile, 'utf8') }
    return { pair, info: await inspectCertificatePair(pair, files) }
  } catch {
    return null // missing or damaged: generate a new one
  }
}

async function readPem(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8')
  } catch (e) {
    const code = (e as { code?: string }).code
    const problem =
      code === 'ENOENT' ? 'not found' : code === 'EACCES' ? 'not readable (permission denied)' : errorMessage(e)
    throw new MailError('user', `TLS ${what} file ${path}: ${problem}`, { code: 'tls_file_unreadable' }, { cause: e })
  }
}

/** Changes when either file is replaced or rewritten; stat() follows the live/ symlinks certbot swaps. */
async function fileSignature(...paths: string[]): Promise<string> {
  const parts = await Promise.all(
    paths.map(async p => {
      try {
        const s = await stat(p)
        return `${s.ino}:${s.size}:${s.mtimeMs}`
      } catch {
        return 'missing'
      }
    }),
  )
  return parts.join('|')
}

/** Key first, both through temp files and rename, so a crash leaves either pair whole or a mismatch we regenerate. */
async function writePair(files: { certFile: string; keyFile: string }, pair: CertificatePair): Promise<void> {
  const dir = join(files.certFile, '..')
  await mkdir(dir, { recursive: true, mode: 0o700 })
  const tmpKey = `${files.keyFile}.${crypto.randomUUID()}.tmp`
  await writeFile(tmpKey, pair.key, { mode: 0o600 }) // new file: the umask can only narrow 0600
  await rename(tmpKey, files.keyFile)
  const tmpCert = `${files.certFile}.${crypto.randomUUID()}.tmp`
  await writeFile(tmpCert, pair.cert, { mode: 0o644 })
  await rename(tmpCert, files.certFile)
}
