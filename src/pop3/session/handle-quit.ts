// QUIT (RFC 1939 §6). In AUTHORIZATION it just says goodbye. In TRANSACTION it enters the UPDATE
// state: the retrieved messages get \Seen, the messages marked by DELE are flagged \Deleted and
// expunged through storage in one step, the lock is released, and the connection closes. A session
// that ends any other way (dropped connection, timeout, shutdown) never gets here and changes nothing.
import { errorMessage } from '../../core/errors.ts'
import { errLine, okLine } from '../protocol/response.ts'
import { toUidRanges } from './maildrop.ts'
import type { Pop3SessionContext, TransactionState } from './session-context.ts'

export function handleQuitAuthorization(s: Pop3SessionContext): void {
  s.reply(okLine(`${s.deps.settings.hostname} POP3 server signing off`))
  s.close()
}

export async function handleQuitTransaction(s: Pop3SessionContext, tx: TransactionState): Promise<void> {
  s.state = { kind: 'update' }
  const { maildrop, lock } = tx
  const { messages } = s.deps.storage
  try {
    const seen = maildrop.newlySeenUids()
    if (seen.length > 0) {
      try {
        await messages.setFlags(maildrop.mailboxId, toUidRanges(seen), { mode: 'add', flags: ['\\Seen'] })
      } catch (e) {
        // Losing \Seen is harmless; the deletions below still matter.
        s.logger.warn('could not mark retrieved messages seen', { error: errorMessage(e) })
      }
    }
    const deleted = maildrop.deletedUids()
    let removed = 0
    if (deleted.length > 0) {
      const uids = toUidRanges(deleted)
      // storage expunges what carries \Deleted, limited to these UIDs: never a message an IMAP
      // client flagged but did not expunge.
      await messages.setFlags(maildrop.mailboxId, uids, { mode: 'add', flags: ['\\Deleted'] })
      removed = (await messages.expunge(maildrop.mailboxId, { uids })).length
    }
    s.logger.info('pop3 update', { deleted: deleted.length, removed, seen: seen.length })
    const left = maildrop.messages.length - deleted.length
    s.reply(okLine(`${s.deps.settings.hostname} POP3 server signing off (${left} messages left)`))
  } catch (e) {
    s.logger.error('UPDATE failed', { error: errorMessage(e) })
    // RFC 1939 §6: "-ERR some deleted messages not removed".
    s.reply(errLine('some deleted messages not removed', 'SYS/TEMP'))
  } finally {
    lock.release()
    s.close()
  }
}
