// Wire sizes for the messages of a maildrop (protocol/wire-size.ts), from the cache or by reading the
// files once. Done on the first command that needs sizes (STAT, LIST), not at login: a client that
// only asks UIDL and fetches new messages never pays for the old ones beyond the cache.
import type { MessageRepository } from '../../storage/index.ts'
import { WireSizeCounter } from '../protocol/wire-size.ts'
import type { Maildrop, MaildropMessage } from './maildrop.ts'
import { withMessageFile } from './message-file.ts'
import { readChunks } from './read-chunks.ts'
import type { WireSizeCache } from './wire-size-cache.ts'

/** Files read at the same time: overlaps I/O latency without flooding the thread pool. */
const PARALLEL_READS = 8

export async function measureSizes(
  maildrop: Maildrop,
  messages: Pick<MessageRepository, 'open'>,
  cache: WireSizeCache,
  /** Only these messages (LIST n); default: every unmeasured message of the maildrop. */
  only?: readonly MaildropMessage[],
): Promise<void> {
  const todo = (only ?? maildrop.messages).filter(m => m.wireSize === null)
  const pending: MaildropMessage[] = []
  for (const message of todo) {
    const cached = cache.get(maildrop.mailboxId, maildrop.uidValidity, message.uid)
    if (cached !== undefined) message.wireSize = cached
    else pending.push(message)
  }
  let next = 0
  const worker = async () => {
    while (next < pending.length) {
      const message = pending[next++] as MaildropMessage
      const size = await measureOne(maildrop.mailboxId, message, messages)
      message.wireSize = size
      cache.set(maildrop.mailboxId, maildrop.uidValidity, message.uid, size)
    }
  }
  await Promise.all(Array.from({ length: Math.min(PARALLEL_READS, pending.length) }, worker))
}

async function measureOne(
  mailboxId: number,
  message: MaildropMessage,
  messages: Pick<MessageRepository, 'open'>,
): Promise<number> {
  try {
    const size = await withMessageFile(messages, mailboxId, message, async file => {
      const counter = new WireSizeCounter()
      for await (const chunk of readChunks(file)) counter.push(chunk)
      return counter.total
    })
    // Removed by another session since login: its stored size is as good as any (RETR will fail).
    return size ?? message.storedSize
  } catch {
    return message.storedSize
  }
}
