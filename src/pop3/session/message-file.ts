// Reading a message of the snapshot. The file storage named at login is tried first; when reading
// it fails (an IMAP session changed the message's flags, which renames the file, or expunged it),
// storage is asked again, and the answer kept for the rest of the session.
import type { MessageRepository } from '../../storage/index.ts'
import type { MaildropMessage } from './maildrop.ts'

/**
 * Run `read` on the message's file; if that throws before anything was sent, retry once with the
 * file storage names now. Returns null when the message no longer exists.
 */
export async function withMessageFile<T>(
  messages: Pick<MessageRepository, 'open'>,
  mailboxId: number,
  message: MaildropMessage,
  read: (file: NonNullable<MaildropMessage['file']>) => Promise<T>,
  retryable: (error: unknown) => boolean = () => true,
): Promise<T | null> {
  if (message.file !== null) {
    try {
      return await read(message.file)
    } catch (e) {
      if (!retryable(e)) throw e
    }
  }
  const opened = await messages.open(mailboxId, message.uid)
  message.file = opened?.file ?? null
  if (opened === null) return null
  return read(opened.file)
}
