// IDLE (RFC 2177, RFC 9051 §6.3.13): `+ idling`, then changes to the selected mailbox are pushed as
// they are committed (EXISTS, EXPUNGE/VANISHED, FETCH FLAGS) until the client sends DONE. Anything
// but DONE ends IDLE with BAD. The autologout timer (imap.idleTimeoutSeconds, at least 30 min)
// stays armed: RFC 2177 §3 asks clients to re-issue IDLE at least every 29 minutes.
import { syntaxError } from '../../core/errors.ts'
import { isIdleDone } from '../protocol/client-lines.ts'
import { continuationRequest } from '../protocol/serializer.ts'
import { AUTHENTICATED, defineCommand } from '../session/command-context.ts'

export const idleCommand = defineCommand({
  name: 'IDLE',
  states: AUTHENTICATED,
  async run(ctx) {
    // What is already queued goes out first (RFC 2177 §3 allows it right after the continuation).
    await ctx.sendUpdates({ expunge: true })
    const line = ctx.requestLine(continuationRequest('idling'))
    ctx.setIdling(true)
    let done: Uint8Array
    try {
      done = await line
    } finally {
      ctx.setIdling(false)
    }
    if (!isIdleDone(done)) throw syntaxError('Expected DONE to end IDLE')
    return { text: 'IDLE terminated' }
  },
})
