// DATA (RFC 5321 §4.1.1.4): 354, then the message up to <CRLF>.<CRLF>, read by the protocol layer's
// DataReader (dot-unstuffing, SIZE and line limits, bare CR/LF policy against SMTP smuggling). The
// session feeds it whatever bytes were already buffered behind the DATA line, then every new chunk.
import { DataReader, type DataReaderResult } from '../protocol/data-reader.ts'
import { replyError } from '../protocol/reply-error.ts'
import { standardReply, type SmtpReply } from '../protocol/reply.ts'
import { deliverMessage } from './deliver-message.ts'
import type { SessionContext } from './session-context.ts'
import { badSequence } from './session-replies.ts'

export function handleData(s: SessionContext): SmtpReply {
  const { settings, state } = s
  const transaction = state.transaction
  if (transaction === null) throw badSequence('Need MAIL and RCPT before DATA', 'DATA')
  // RFC 3030 §2: once BDAT has been used in a transaction, DATA may not be.
  if (transaction.bdat !== null) throw badSequence('DATA not allowed after BDAT', 'DATA')
  // RFC 5321 §3.3: DATA without any accepted recipient is answered 503 or 554 "no valid recipients".
  if (transaction.recipients.length === 0) throw replyError('noValidRecipients', undefined, 'DATA')
  s.setMode({
    kind: 'data',
    reader: new DataReader({
      maxMessageSize: settings.maxMessageSize,
      maxLineLength: settings.maxDataLineLength,
      bareLineEndings: settings.bareLineEndings,
    }),
  })
  return standardReply('startData')
}

/** The DataReader reached the end marker: reply with the size/line/bare-LF error, or deliver. */
export async function finishData(s: SessionContext, result: DataReaderResult & { done: true }): Promise<SmtpReply> {
  if (result.error !== null || result.message === null) {
    s.state.transaction = null
    throw result.error ?? new Error('DataReader finished without message or error')
  }
  return deliverMessage(s, result.message)
}
