// GETQUOTA root (RFC 9208 §4.2): the only root is "" (see getquotaroot.ts).
import { userError } from '../../core/errors.ts'
import { AUTHENTICATED, defineCommand } from '../session/command-context.ts'
import { quotaResponse } from '../session/account-quota.ts'
import { requireUser } from '../session/session-guards.ts'

export const getquotaCommand = defineCommand({
  name: 'GETQUOTA',
  states: AUTHENTICATED,
  async run(ctx, command) {
    const quota = command.root === '' ? await quotaResponse(ctx, requireUser(ctx).id) : null
    if (quota === null) throw userError(`No such quota root "${command.root}"`, { imap: 'NONEXISTENT' })
    ctx.untagged(quota)
    return undefined
  },
})
