// BDAT (RFC 3030 CHUNKING): `BDAT <size> [LAST]` is followed by exactly <size> octets, answered once
// they have all arrived. The octets follow even when the command itself is refused (no transaction,
// no recipients), so a refused chunk is still read and dropped before its reply, or its bytes would
// be run as commands. The protocol layer's BdatReader collects the chunks and checks SIZE.
import { BdatReader, type BdatChunkResult } from '../protocol/bdat-reader.ts'
import { type SmtpReplyError, replyError } from '../protocol/reply-error.ts'
import { standardReply, type SmtpReply } from '../protocol/reply.ts'
import type { SmtpCommand } from '../protocol/smtp-command.ts'
import { applyBareLineEndingPolicy } from './bare-line-endings.ts'
import { deliverMessage } from './deliver-message.ts'
import type { HandlerResult, SessionContext } from './session-context.ts'
import { badSequence } from './session-replies.ts'

type BdatCommand = Extract<SmtpCommand, { verb: 'BDAT' }>

const NO_OCTETS = new Uint8Array(0)

/** Why this BDAT cannot be part of a transaction, or null when it can. */
function refusalFor(s: SessionContext): SmtpReplyError | null {
  const { state } = s
  if (state.hello !== null && !state.hello.esmtp) return badSequence('BDAT requires EHLO', 'BDAT')
  if (state.transaction === null) return badSequence('Need MAIL and RCPT before BDAT', 'BDAT')
  if (state.transaction.recipients.length === 0) return replyError('noValidRecipients', undefined, 'BDAT')
  return null
}

export function handleBdat(s: SessionContext, command: BdatCommand): HandlerResult | Promise<HandlerResult> {
  const refusal = refusalFor(s)
  let reader: BdatReader
  if (refusal !== null || s.state.transaction === null) {
    // Counts and drops the octets: with a limit of 0 nothing is kept.
    reader = new BdatReader({ maxMessageSize: 0 })
  } else {
    s.state.transaction.bdat ??= new BdatReader({ maxMessageSize: s.settings.maxMessageSize })
    reader = s.state.transaction.bdat
  }
  reader.beginChunk(command.size, command.last)
  if (command.size === 0) return finishBdatChunk(s, reader.push(NO_OCTETS), refusal)
  s.setMode({ kind: 'bdat', reader, refusal })
  return null
}

/** All octets of a chunk have arrived: answer it, and deliver on LAST. */
export async function finishBdatChunk(
  s: SessionContext,
  result: BdatChunkResult,
  refusal: SmtpReplyError | null,
): Promise<SmtpReply> {
  if (!result.done) throw new Error('finishBdatChunk before the chunk was complete')
  if (refusal !== null) throw refusal
  if (result.error !== null) {
    // RFC 3030 §2: the failed transaction ends with its LAST chunk (or RSET).
    if (result.last) s.state.transaction = null
    throw result.error
  }
  if (!result.last) return standardReply('chunkAccepted', `${result.chunkSize} octets received`)
  if (result.message === null) throw new Error('BDAT LAST without a message')
  let message: Uint8Array
  try {
    message = applyBareLineEndingPolicy(result.message, s.settings.bareLineEndings)
  } catch (e) {
    s.state.transaction = null
    throw e
  }
  return deliverMessage(s, message)
}
