// The end of USER/PASS and AUTH (RFC 1939 §7, RFC 5034 §4): check the password through the shared
// throttle (auth/sasl-authenticate.ts), lock the maildrop, take the snapshot, enter TRANSACTION.
// RFC 1939 §7 PASS: when the maildrop cannot be locked the answer is -ERR and the session stays in
// AUTHORIZATION, holding no lock.
import { authenticateLogin } from '../../auth/sasl-authenticate.ts'
import { errorMessage } from '../../core/errors.ts'
import { INBOX } from '../../storage/index.ts'
import { okLine } from '../protocol/response.ts'
import { Pop3Error, pop3AuthError, pop3TemporaryError, pop3UserError } from '../protocol/pop3-error.ts'
import type { SaslCredentials } from '../protocol/sasl.ts'
import { Maildrop } from './maildrop.ts'
import { freshAuthorization, type Pop3SessionContext } from './session-context.ts'

/** RFC 2595 §2.1 / Dovecot's wording: a client that did not STLS learns why and what to do. */
export const insecureLoginError = () =>
  pop3AuthError('Plaintext authentication disallowed on non-secure connections; use STLS first')

export async function logIn(s: Pop3SessionContext, credentials: SaslCredentials): Promise<void> {
  const { deps, transport } = s
  s.state = freshAuthorization()
  if (!s.loginAllowed()) throw insecureLoginError()
  let outcome: Awaited<ReturnType<typeof authenticateLogin>>
  try {
    outcome = await authenticateLogin(
      { accounts: deps.storage.accounts, throttle: deps.throttle, logger: s.logger },
      { ip: transport.remoteAddress, protocol: 'pop3', ...credentials },
    )
  } catch (e) {
    s.logger.warn('credential check failed', { error: errorMessage(e) })
    throw pop3TemporaryError('authentication is unavailable right now; try again later')
  }
  if (outcome.kind === 'throttled') {
    // RFC 2449 §8.1.1 LOGIN-DELAY: the client logs in again too soon; it should wait, not retry.
    const seconds = Math.ceil(outcome.retryAfterMs / 1000)
    throw new Pop3Error('temporary', `too many failed logins; try again in ${seconds} seconds`, 'LOGIN-DELAY', false)
  }
  if (outcome.kind === 'failed') {
    deps.metrics.authFailures.inc({ protocol: 'pop3' })
    throw pop3AuthError('invalid user name or password')
  }
  const { account } = outcome
  const lock = deps.locks.tryAcquire(account.id)
  // RFC 2449 §8.1.2 IN-USE: another session holds the maildrop.
  if (lock === null) throw pop3UserError('maildrop already locked by another session', 'IN-USE')
  let maildrop: Maildrop
  try {
    maildrop = await openMaildrop(s, account.id)
  } catch (e) {
    lock.release()
    throw e
  }
  // The connection may have gone while storage was read: onClose has run and cannot release for us.
  if (s.state.kind !== 'authorization') {
    lock.release()
    return
  }
  s.state = { kind: 'transaction', account, maildrop, lock }
  const count = maildrop.messages.length
  s.reply(okLine(`${account.email} has ${count} message${count === 1 ? '' : 's'}`))
}

async function openMaildrop(s: Pop3SessionContext, accountId: number): Promise<Maildrop> {
  const { storage } = s.deps
  try {
    // INBOX only (RFC 1939 §1: POP3 knows one maildrop per user).
    const mailbox = await storage.mailboxes.get(accountId, INBOX)
    if (mailbox === null) throw new Error('account has no INBOX')
    const records = await storage.messages.list(mailbox.id)
    // One index read for every file: RETR then costs a file read, not several queries.
    const files = await storage.messages.files(mailbox.id)
    return new Maildrop(
      mailbox.id,
      mailbox.uidValidity,
      records.map(r => ({
        uid: r.uid,
        storedSize: r.size,
        seen: r.flags.includes('\\Seen'),
        wireSize: null,
        deleted: false,
        retrieved: false,
        file: files.get(r.uid) ?? null,
      })),
    )
  } catch (e) {
    s.logger.error('cannot open maildrop', { accountId, error: errorMessage(e) })
    throw pop3TemporaryError('maildrop cannot be opened; try again later')
  }
}
