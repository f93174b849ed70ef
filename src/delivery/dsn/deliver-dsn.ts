// Where a DSN goes (issue 7 §5, §7): to the original envelope sender, never to `<>`. A sender
// hosted here gets it straight into INBOX through the storage layer (no network hop, like every
// local delivery); anyone else gets it through the outbound queue with the null reverse-path, so
// a DSN about the DSN can never be generated (RFC 5321 §4.5.5, RFC 3461 §6.2).
import { errorMessage, isMailError } from '../../core/errors.ts'
import type { Logger } from '../../core/logger.ts'
import type { Storage } from '../../storage/index.ts'
import type { OutboundQueue } from '../queue/outbound-queue.ts'

export type DsnDestination = 'local' | 'queued' | 'dropped'

export interface DsnDeliveryDeps {
  storage: Pick<Storage, 'resolveRecipient' | 'messages'>
  queue: Pick<OutboundQueue, 'enqueue'>
  logger: Logger
}

const encoder = new TextEncoder()
/** RFC 5321 §4.4: final delivery records the reverse-path, here the null one. */
const RETURN_PATH = encoder.encode('Return-Path: <>\r\n')

const concat = (a: Uint8Array, b: Uint8Array) => {
  const out = new Uint8Array(a.length + b.length)
  out.set(a, 0)
  out.set(b, a.length)
  return out
}

/**
 * Deliver a DSN to `to`. Throws on temporary storage failures (the caller keeps the DSN owed and
 * tries again); a recipient that cannot receive it at all (unknown, disabled, over quota) is
 * 'dropped' and logged.
 */
export async function deliverDsn(deps: DsnDeliveryDeps, to: string, dsn: Uint8Array): Promise<DsnDestination> {
  if (to === '') return 'dropped'
  let resolution: Awaited<ReturnType<Storage['resolveRecipient']>>
  try {
    resolution = await deps.storage.resolveRecipient(to)
  } catch (e) {
    deps.logger.warn('DSN not sent: the sender address is not valid', { error: errorMessage(e) })
    return 'dropped'
  }
  const remote: string[] = []
  let local = false
  switch (resolution.kind) {
    case 'unknown':
    case 'disabled':
      deps.logger.warn('DSN not sent: the sender has no mailbox here', { kind: resolution.kind })
      return 'dropped'
    case 'remote':
      remote.push(to)
      break
    case 'external':
      remote.push(...resolution.addresses)
      break
    case 'local': {
      remote.push(...resolution.external)
      const outcomes = await deps.storage.messages.deliverToAccounts({
        targets: resolution.accounts.map(a => ({ accountId: a.accountId })),
        content: concat(RETURN_PATH, dsn),
      })
      for (const outcome of outcomes) {
        if (outcome.ok) continue
        // Over quota and the like will not change by retrying a notification; storage trouble will.
        if (isMailError(outcome.error) && outcome.error.kind === 'user')
          deps.logger.warn('DSN not delivered to a local sender', {
            accountId: outcome.accountId,
            error: errorMessage(outcome.error),
          })
        else throw outcome.error
      }
      local = outcomes.some(o => o.ok)
      break
    }
  }
  if (remote.length > 0) {
    await deps.queue.enqueue({
      sender: '',
      recipients: remote.map(address => ({ address, notify: null, orcpt: null })),
      content: dsn,
      bodyType: dsn.some(b => b > 0x7f) ? '8BITMIME' : null,
      smtputf8: remote.some(a => /[^\x00-\x7f]/.test(a)),
    })
    return 'queued'
  }
  return local ? 'local' : 'dropped'
}
