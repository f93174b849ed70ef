// The one durable step at the end of DATA (DESIGN.md "Write path"; issue 4 §4): every local copy in
// Maildir + index, every remote recipient in the outbound queue — all of it, or none of it — and only
// then may the session answer 250.
//
// Order: (1) stage the queue's spool file (durable, invisible to the delivery worker); (2) deliver the
// local copies (one file, hard-linked, one index row per account); (3) commit the queue row. When any
// step fails, what was done is undone (local copies expunged, spool file removed) and the client gets
// a 4xx/5xx, so it retries the whole message: no silent loss, and no copy for some recipients plus a
// retry that duplicates it for the others.
import { errorMessage } from '../../core/errors.ts'
import type { Logger } from '../../core/logger.ts'
import type {
  EnqueueInput,
  OutboundQueue,
  QueuedRecipient,
  StagedMessage,
} from '../../delivery/queue/outbound-queue.ts'
import type { DeliveryOutcome, DeliveryTarget, MessageContent, Storage } from '../../storage/index.ts'
import { standardReply } from '../protocol/reply.ts'
import { deliveryFailureReply, type FailureReply } from './delivery-error-reply.ts'

export interface DurableDelivery {
  /** Local copies (one per account). */
  targets: readonly DeliveryTarget[]
  localContent: MessageContent
  /** Remote recipients with their DSN parameters; empty when everything is local. */
  remote: readonly QueuedRecipient[]
  remoteContent: MessageContent
  envelope: Omit<EnqueueInput, 'recipients' | 'content'>
  internalDate: number
}

export type DurableResult =
  | { ok: true; queueId: string | null; delivered: Extract<DeliveryOutcome, { ok: true }>[] }
  | ({ ok: false; error: unknown } & FailureReply)

export interface DurableDeps {
  storage: Storage
  queue: OutboundQueue
  logger: Logger
}

export async function deliverDurably(deps: DurableDeps, plan: DurableDelivery): Promise<DurableResult> {
  const { storage, queue, logger } = deps
  let staged: StagedMessage | null = null
  const delivered: Extract<DeliveryOutcome, { ok: true }>[] = []

  const undo = async (error: unknown): Promise<DurableResult> => {
    await staged?.discard()
    await expungeDelivered(storage, delivered, logger)
    const failure = deliveryFailureReply(error)
    // One full mailbox among several recipients: a permanent 552 would bounce the message for all
    // of them, so ask for a retry instead (RFC 5321 §4.2.2 452, RFC 3463 X.2.2); RCPT already
    // refuses mailboxes that are full before the message arrives.
    if (failure.reason === 'over_quota' && plan.targets.length + plan.remote.length > 1)
      return { ok: false, error, reason: 'over_quota', reply: standardReply('mailboxFull') }
    return { ok: false, error, ...failure }
  }

  try {
    if (plan.remote.length > 0) {
      staged = await queue.stage({ ...plan.envelope, recipients: plan.remote, content: plan.remoteContent })
    }
    if (plan.targets.length > 0) {
      const outcomes = await storage.messages.deliverToAccounts({
        targets: plan.targets,
        content: plan.localContent,
        internalDate: plan.internalDate,
      })
      let failure: unknown = null
      for (let i = 0; i < plan.targets.length; i++) {
        const outcome = outcomes[i]
        if (outcome === undefined) failure ??= new Error('no delivery outcome for a local target')
        else if (outcome.ok) delivered.push(outcome)
        else failure ??= outcome.error
      }
      if (failure !== null) return await undo(failure)
    }
    const queued = staged?.commit() ?? null
    return { ok: true, queueId: queued?.id ?? null, delivered }
  } catch (e) {
    return await undo(e)
  }
}

/** Take back copies already delivered (flag \Deleted + expunge), so a retried message is not doubled. */
async function expungeDelivered(
  storage: Storage,
  delivered: readonly Extract<DeliveryOutcome, { ok: true }>[],
  logger: Logger,
): Promise<void> {
  for (const copy of delivered) {
    const uids = [{ from: copy.uid, to: copy.uid }]
    try {
      await storage.messages.setFlags(copy.mailboxId, uids, { mode: 'add', flags: ['\\Deleted'] })
      await storage.messages.expunge(copy.mailboxId, { uids })
    } catch (e) {
      // The client still gets a 4xx/5xx and retries: a duplicate is better than a loss.
      logger.error('could not take back a partly delivered copy', {
        mailboxId: copy.mailboxId,
        uid: copy.uid,
        error: errorMessage(e),
      })
    }
  }
}
