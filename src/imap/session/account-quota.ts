// The account's storage quota as RFC 9208 reports it: `* QUOTA "" (STORAGE <used> <limit>)`, in
// units of 1024 octets (RFC 9208 §5.1), usage rounded up so a client never sees room that is not
// there. Enforcement is storage's (append/copy fail with OVERQUOTA).
import { type ResponseValue, list, raw, str } from '../protocol/serializer.ts'
import type { CommandContext } from './command-context.ts'

export const ACCOUNT_QUOTA_ROOT: ResponseValue = str('')

/** The QUOTA response for the account, or null when it has no limit. */
export async function quotaResponse(
  ctx: Pick<CommandContext, 'storage'>,
  accountId: number,
): Promise<ResponseValue[] | null> {
  const account = await ctx.storage.accounts.get(accountId)
  if (account === null || account.quotaBytes === null) return null
  const usage = await ctx.storage.accounts.usage(accountId)
  const used = Math.ceil(usage.bytes / 1024)
  const limit = Math.floor(account.quotaBytes / 1024)
  return [raw('QUOTA'), ACCOUNT_QUOTA_ROOT, list([raw('STORAGE'), raw(used), raw(limit)])]
}
