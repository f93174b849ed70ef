// DKIM signing of outbound mail (RFC 6376 §5, RFC 8463): before a message goes to the transport, it
// gets one signature per active key of its author's domain, so with both an RSA and an Ed25519 key
// a verifier that knows only RSA still finds one it can check (RFC 8463 §6).
//
// The author domain is the From: domain (DMARC alignment); when it has no keys, its parent domains
// are tried (relaxed alignment, RFC 7489 §3.1.1), then the envelope sender's domain. Key records are
// cached for a minute, so a `dkim rotate` from the CLI reaches a running server without a restart;
// each key's PEM is imported into a CryptoKey once (by key id) and kept while the key is in use.
// Signing is our own (sign-message.ts): mailauth re-parsed the PEM and signed on the event loop for
// every message; mailauth stays for verifying.
import type { Clock } from '../../core/clock.ts'
import { errorMessage } from '../../core/errors.ts'
import { type Logger, silentLogger } from '../../core/logger.ts'
import type { Storage } from '../../storage/index.ts'
import { recipientDomain } from '../queue/recipient-domain.ts'
import { authorDomain } from './author-domain.ts'
import { importDkimPrivateKey } from './dkim-crypto-key.ts'
import { createDkimKeyStore, type DkimKeyRecord } from './dkim-key-store.ts'
import { type DkimSigningKey, signDkimMessage } from './sign-message.ts'

export interface DkimSigner {
  /**
   * The message with DKIM-Signature fields prepended, or the message unchanged when no key applies
   * or signing failed (logged: an unsigned message is better than none).
   */
  sign(message: Uint8Array, envelopeSender: string): Promise<Uint8Array>
  /** Forget cached keys (after a rotation in this process). */
  invalidate(domain?: string): void
}

export interface DkimSignerDeps {
  storage: Pick<Storage, 'db'>
  clock: Clock
  logger?: Logger
  /** How long keys are cached, in ms (default 60 s). */
  cacheMs?: number
}

export function createDkimSigner(deps: DkimSignerDeps): DkimSigner {
  const keys = createDkimKeyStore(deps.storage, deps.clock)
  const logger = (deps.logger ?? silentLogger).child({ component: 'dkim' })
  const cacheMs = deps.cacheMs ?? 60_000
  const cache = new Map<string, { keys: DkimKeyRecord[]; until: number }>()
  /** Imported keys by key id; a key id's PEM never changes (rotation adds new rows). */
  const imported = new Map<number, Promise<CryptoKey>>()

  const forget = (records: readonly DkimKeyRecord[], keep: readonly DkimKeyRecord[] = []) => {
    const kept = new Set(keep.map(k => k.id))
    for (const k of records) if (!kept.has(k.id)) imported.delete(k.id)
  }

  const keysOf = (domain: string): DkimKeyRecord[] => {
    const now = deps.clock.now()
    const hit = cache.get(domain)
    if (hit && hit.until > now) return hit.keys
    const found = keys.active(domain)
    // Retired keys leave the import cache with their domain's refresh.
    if (hit) forget(hit.keys, found)
    cache.set(domain, { keys: found, until: now + cacheMs })
    return found
  }

  const cryptoKey = (record: DkimKeyRecord): Promise<CryptoKey> => {
    let key = imported.get(record.id)
    if (!key) {
      key = importDkimPrivateKey(record.algorithm, record.privateKey)
      imported.set(record.id, key)
    }
    return key
  }

  const signingKeys = (message: Uint8Array, sender: string): DkimKeyRecord[] => {
    const author = authorDomain(message)
    if (author) {
      const labels = author.split('.')
      // example.org, then its parents down to two labels (never a bare TLD).
      for (let i = 0; i <= labels.length - 2; i++) {
        const found = keysOf(labels.slice(i).join('.'))
        if (found.length > 0) return found
      }
    }
    const envelope = sender === '' ? '' : recipientDomain(sender)
    return envelope === '' ? [] : keysOf(envelope)
  }

  return {
    async sign(message, sender) {
      const chosen = signingKeys(message, sender)
      if (chosen.length === 0) return message
      try {
        const usable: DkimSigningKey[] = []
        const loaded = await Promise.allSettled(chosen.map(cryptoKey))
        loaded.forEach((r, i) => {
          const k = chosen[i] as DkimKeyRecord
          if (r.status === 'fulfilled')
            usable.push({ domain: k.domain, selector: k.selector, algorithm: k.algorithm, key: r.value })
          else
            logger.warn('DKIM key unusable', { domain: k.domain, selector: k.selector, error: errorMessage(r.reason) })
        })
        if (usable.length === 0) return message
        const result = await signDkimMessage(message, usable, deps.clock.date())
        for (const f of result.failures)
          logger.warn('DKIM signature not created', {
            domain: f.domain,
            selector: f.selector,
            error: errorMessage(f.error),
          })
        if (result.fields === '') return message
        const header = Buffer.from(result.fields, 'latin1')
        const out = new Uint8Array(header.length + message.length)
        out.set(header, 0)
        out.set(message, header.length)
        return out
      } catch (e) {
        logger.warn('DKIM signing failed; sending unsigned', { error: errorMessage(e) })
        return message
      }
    },
    invalidate(domain) {
      if (domain === undefined) {
        cache.clear()
        imported.clear()
        return
      }
      const hit = cache.get(domain)
      if (hit) forget(hit.keys)
      cache.delete(domain)
    },
  }
}
