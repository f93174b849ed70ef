// The CAs outbound TLS trusts when it verifies a certificate (MTA-STS enforce, REQUIRETLS, relay,
// MTA-STS policy fetches, TLS-RPT HTTPS uploads): Bun's bundled roots, plus the PEM files of
// `delivery.trustedCaFiles` (a private CA, or a test CA). Node's `ca` option replaces the default
// roots instead of adding to them, so with extra CAs the list is roots + extras.
import { readFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { rootCertificates } from 'node:tls'

export interface TrustStore {
  /** The `ca` list to pass to a verifying handshake; undefined = Bun's bundled roots only. */
  readonly ca: readonly string[] | undefined
}

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g

/** Split PEM text into certificates; throws when the text holds none. */
export function pemCertificates(text: string, source: string): string[] {
  const blocks = text.match(PEM_BLOCK) ?? []
  if (blocks.length === 0) throw new Error(`${source}: no PEM certificate found`)
  return blocks.map(b => `${b}\n`)
}

/** Trust store from PEM strings (already read). */
export function trustStoreFromPem(extraPem: readonly string[]): TrustStore {
  if (extraPem.length === 0) return { ca: undefined }
  return { ca: [...rootCertificates, ...extraPem] }
}

/** Read `delivery.trustedCaFiles`; a missing or empty file is a configuration error naming the file. */
export async function loadTrustStore(files: readonly string[]): Promise<TrustStore> {
  const extra: string[] = []
  for (const file of files) {
    let text: string
    try {
      text = await readFile(file, 'utf8')
    } catch (e) {
      throw new Error(`delivery.trustedCaFiles: cannot read ${file}: ${(e as Error).message}`)
    }
    extra.push(...pemCertificates(text, `delivery.trustedCaFiles: ${file}`))
  }
  return trustStoreFromPem(extra)
}

/** As loadTrustStore, synchronously (transport construction at start-up). */
export function loadTrustStoreSync(files: readonly string[]): TrustStore {
  const extra: string[] = []
  for (const file of files) {
    let text: string
    try {
      text = readFileSync(file, 'utf8')
    } catch (e) {
      throw new Error(`delivery.trustedCaFiles: cannot read ${file}: ${(e as Error).message}`)
    }
    extra.push(...pemCertificates(text, `delivery.trustedCaFiles: ${file}`))
  }
  return trustStoreFromPem(extra)
}
