// MAIL FROM policy for authenticated users (issue 4 §2; RFC 6409 §6.1 lets a submission server
// refuse envelope senders the user is not entitled to): with `smtp.inbound.senderPolicy =
// own-addresses` an account may use its own address, its +tag subaddresses, and any alias that leads
// to it — exactly the addresses that deliver to it, minus the domain catch-all (which would make the
// whole domain "own"). The null reverse-path is allowed (RFC 5321 §4.5.5: notifications).
import { isMailError } from '../../core/errors.ts'
import type { Storage } from '../../storage/index.ts'

export type SenderPolicy = 'own-addresses' | 'any'

/** Whether `accountId` may use `address` as its envelope sender. */
export async function maySendAs(storage: Storage, accountId: number, address: string): Promise<boolean> {
  if (address === '') return true
  try {
    const resolution = await storage.resolveRecipient(address)
    return (
      resolution.kind === 'local' &&
      resolution.via !== 'catch-all' &&
      resolution.accounts.some(a => a.accountId === accountId)
    )
  } catch (e) {
    if (isMailError(e) && e.kind === 'syntax') return false
    throw e
  }
}
