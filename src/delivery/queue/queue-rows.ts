// Row ↔ QueuedMessage mapping for the outbound_queue table (schema-delivery.ts). Kept apart from the
// queue's operations so the runner, the CLI and inbound-DSN matching read entries the same way.
import { join } from 'node:path'
import type { outboundQueue } from '../../storage/db/schema-delivery.ts'
import type { QueueState, RecipientOutcome } from './queue-state.ts'

export type DsnNotifyValue = 'NEVER' | 'SUCCESS' | 'FAILURE' | 'DELAY'

export interface QueuedRecipient {
  address: string
  /** RFC 3461 §4.1 NOTIFY; null = not given (the default, FAILURE and DELAY, applies). */
  notify: readonly DsnNotifyValue[] | null
  /** RFC 3461 §4.2 ORCPT, kept exactly as received (or the original address after alias expansion). */
  orcpt: { addrType: string; value: string } | null
}

export interface QueuedMessage {
  id: string
  createdAt: number
  sender: string
  /** Lower-case A-label domain every recipient of this entry belongs to. */
  domain: string
  recipients: QueuedRecipient[]
  /** Absolute path of the spool file (shared by the entries of one message; gone once all are final). */
  spoolPath: string
  size: number
  ret: 'FULL' | 'HDRS' | null
  envid: string | null
  bodyType: '7BIT' | '8BITMIME' | 'BINARYMIME' | null
  smtputf8: boolean
  requireTls: boolean
  accountId: number | null
  state: QueueState
  attempts: number
  nextAttemptAt: number
  lastError: string | null
  /** Per recipient (lower-case address) what the last attempt decided; absent = not tried yet. */
  results: Record<string, RecipientOutcome>
  messageId: string | null
  lastAttemptAt: number | null
  delayNotified: boolean
  dsnPending: boolean
  finishedAt: number | null
}

export type QueueRow = typeof outboundQueue.$inferSelect

/** The key of a recipient in `results`. */
export const resultKey = (address: string): string => address.toLowerCase()

export function rowToMessage(row: QueueRow, dataDir: string): QueuedMessage {
  return {
    id: row.id,
    createdAt: row.createdAt,
    sender: row.sender,
    domain: row.domain,
    recipients: JSON.parse(row.recipientsJson) as QueuedRecipient[],
    spoolPath: join(dataDir, row.spoolPath),
    size: row.size,
    ret: row.ret as QueuedMessage['ret'],
    envid: row.envid,
    bodyType: row.bodyType as QueuedMessage['bodyType'],
    smtputf8: row.smtputf8,
    requireTls: row.requireTls,
    accountId: row.accountId,
    state: row.state as QueueState,
    attempts: row.attempts,
    nextAttemptAt: row.nextAttemptAt,
    lastError: row.lastError,
    results: JSON.parse(row.resultsJson) as Record<string, RecipientOutcome>,
    messageId: row.messageId,
    lastAttemptAt: row.lastAttemptAt,
    delayNotified: row.delayNotified,
    dsnPending: row.dsnPending,
    finishedAt: row.finishedAt,
  }
}

/** Recipients that still need an attempt (no result yet, or deferred). */
export function pendingRecipients(entry: Pick<QueuedMessage, 'recipients' | 'results'>): QueuedRecipient[] {
  return entry.recipients.filter(r => {
    const status = entry.results[resultKey(r.address)]?.status
    return status === undefined || status === 'deferred'
  })
}
