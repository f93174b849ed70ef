// Which messages a mailbox already holds, so running an import again adds nothing twice. A message
// is known by its Message-ID together with its stored size (two different messages rarely share
// both; a re-sent copy with the same ID but other bytes is kept), or — when it has no Message-ID —
// by the SHA-256 of its stored bytes. Existing messages come from the index (envelope Message-ID,
// size); the files of those without one in the index (none in the message, or headers the envelope
// parser could not read) are read once, at the first lookup.
import type { Storage } from '../storage/index.ts'
import { findMessageId, normalizeMessageId } from './header-fields.ts'

export interface DedupeIndex {
  /** True when the mailbox has this message (or it was added through `remember`). */
  has(key: MessageKey): Promise<boolean>
  remember(key: MessageKey): void
}

export type MessageKey = { messageId: string; size: number } | { sha256: string }

const keyText = (key: MessageKey) => ('sha256' in key ? `h:${key.sha256}` : `i:${key.size}:${key.messageId}`)

export function messageKey(content: Uint8Array, messageId: string | null): MessageKey {
  if (messageId !== null) return { messageId, size: content.length }
  return { sha256: new Bun.CryptoHasher('sha256').update(content).digest('hex') }
}

export async function loadDedupeIndex(storage: Storage, mailboxId: number): Promise<DedupeIndex> {
  const known = new Set<string>()
  const unhashed: number[] = []
  for (const record of await storage.messages.list(mailboxId, { envelopes: true })) {
    const id = normalizeMessageId(record.envelope?.messageId)
    if (id !== null) known.add(keyText({ messageId: id, size: record.size }))
    else unhashed.push(record.uid)
  }
  let hashed = false
  return {
    async has(key) {
      if (!hashed) {
        hashed = true
        for (const uid of unhashed) {
          const bytes = await storage.messages.readBytes(mailboxId, uid)
          if (bytes) known.add(keyText(messageKey(bytes, findMessageId(bytes))))
        }
      }
      return known.has(keyText(key))
    },
    remember(key) {
      known.add(keyText(key))
    },
  }
}
