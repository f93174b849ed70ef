// RETR and TOP (RFC 1939 §7). RETR marks the message as retrieved so QUIT sets \Seen on it, as
// Dovecot does by default: a message downloaded over POP3 shows as read in IMAP clients. TOP is a
// preview and leaves it unread. Neither changes anything before QUIT.
import { errorMessage } from '../../core/errors.ts'
import { okLine } from '../protocol/response.ts'
import { pop3TemporaryError, pop3UserError } from '../protocol/pop3-error.ts'
import { type MaildropMessage, sizeOf } from './maildrop.ts'
import { measureSizes } from './measure-sizes.ts'
import { withMessageFile } from './message-file.ts'
import { MessageReadError, type SendResult, sendMessage } from './send-message.ts'
import type { Pop3SessionContext, TransactionState } from './session-context.ts'

export async function handleRetr(s: Pop3SessionContext, tx: TransactionState, msg: number): Promise<void> {
  const message = tx.maildrop.message(msg)
  // RFC 1939 §7: "+OK 120 octets" (fetchmail reads the count when present); measure first if needed.
  await measureSizes(tx.maildrop, s.deps.storage.messages, s.deps.sizes, [message])
  const sent = await send(s, tx, msg, message, okLine(`${sizeOf(message)} octets`), undefined)
  if (sent) {
    message.retrieved = true
    s.deps.metrics.retrieved.inc()
  }
}

export async function handleTop(
  s: Pop3SessionContext,
  tx: TransactionState,
  msg: number,
  lines: number,
): Promise<void> {
  const message = tx.maildrop.message(msg)
  await send(s, tx, msg, message, okLine('top of message follows'), lines)
}

async function send(
  s: Pop3SessionContext,
  tx: TransactionState,
  msg: number,
  message: MaildropMessage,
  statusLine: string,
  bodyLines: number | undefined,
): Promise<boolean> {
  let result: SendResult | null
  try {
    result = await withMessageFile(
      s.deps.storage.messages,
      tx.maildrop.mailboxId,
      message,
      file => sendMessage(s.sink, file, statusLine, { bodyLines }),
      // Once part of the message is out, a retry would send it twice.
      e => !(e instanceof MessageReadError),
    )
  } catch (e) {
    if (e instanceof MessageReadError) {
      // Part of the message is out: no -ERR can follow, and a truncated body must not look complete.
      s.logger.error('message read failed mid-response; dropping the connection', {
        uid: message.uid,
        error: errorMessage(e.cause),
      })
      s.transport.destroy()
      return false
    }
    s.logger.warn('message file could not be read', { uid: message.uid, error: errorMessage(e) })
    throw pop3TemporaryError(`message ${msg} cannot be read right now`)
  }
  // Expunged by an IMAP session since this session's snapshot.
  if (result === null) throw pop3UserError(`message ${msg} has been removed by another session`)
  return result === 'sent'
}
