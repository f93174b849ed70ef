// GETQUOTAROOT mailbox (RFC 9208 §4.3): every mailbox of an account shares one quota root, "",
// holding the account's storage limit (accounts.quotaBytes). Without a limit there is no root:
// `* QUOTAROOT mailbox` alone, as Dovecot answers.
import { userError } from '../../core/errors.ts'
import { mailboxValue, raw } from '../protocol/serializer.ts'
import { AUTHENTICATED, defineCommand } from '../session/command-context.ts'
import { ACCOUNT_QUOTA_ROOT, quotaResponse } from '../session/account-quota.ts'
import { requireUser } from '../session/session-guards.ts'

export const getquotarootCommand = defineCommand({
  name: 'GETQUOTAROOT',
  states: AUTHENTICATED,
  async run(ctx, command) {
    const user = requireUser(ctx)
    const box = await ctx.storage.mailboxes.get(user.id, command.mailbox)
    if (box === null) throw userError(`Mailbox ${command.mailbox} does not exist`, { imap: 'NONEXISTENT' })
    const quota = await quotaResponse(ctx, user.id)
    const name = mailboxValue(box.name, ctx.utf8)
    if (quota === null) {
      ctx.untagged([raw('QUOTAROOT'), name])
      return undefined
    }
    ctx.untagged([raw('QUOTAROOT'), name, ACCOUNT_QUOTA_ROOT])
    ctx.untagged(quota)
    return undefined
  },
})
