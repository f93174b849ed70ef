// Which commands each state accepts (RFC 1939 §4-§7; STLS RFC 2595 §4 and AUTH RFC 5034 §4 in
// AUTHORIZATION only). CAPA (RFC 2449 §5) is valid in both and answered by the session itself.
// A command in the wrong state is a protocol error: -ERR, counted against pop3.maxErrors.
import type { Pop3Command, Pop3CommandName } from '../protocol/pop3-command.ts'
import { type Pop3Error, pop3SyntaxError } from '../protocol/pop3-error.ts'
import { okLine } from '../protocol/response.ts'
import { handleAuth, handlePass, handleUser } from './handle-authorization.ts'
import { handleQuitAuthorization, handleQuitTransaction } from './handle-quit.ts'
import { handleRetr, handleTop } from './handle-retrieve.ts'
import { handleStls } from './handle-stls.ts'
import { handleDele, handleList, handleRset, handleStat, handleUidl } from './handle-transaction.ts'
import type { AuthorizationState, Pop3SessionContext, TransactionState } from './session-context.ts'

export async function dispatchCommand(
  s: Pop3SessionContext,
  state: AuthorizationState | TransactionState,
  command: Pop3Command,
): Promise<void> {
  if (state.kind === 'authorization') {
    switch (command.name) {
      case 'USER':
        return handleUser(s, state, command.user)
      case 'PASS':
        return handlePass(s, state, command.password)
      case 'AUTH':
        return handleAuth(s, state, command.mechanism, command.initialResponse)
      case 'STLS':
        return handleStls(s)
      case 'QUIT':
        return handleQuitAuthorization(s)
      default:
        throw wrongState(command.name, 'only valid after login')
    }
  }
  switch (command.name) {
    case 'STAT':
      return handleStat(s, state)
    case 'LIST':
      return handleList(s, state, command.msg)
    case 'UIDL':
      return handleUidl(s, state, command.msg)
    case 'RETR':
      return handleRetr(s, state, command.msg)
    case 'TOP':
      return handleTop(s, state, command.msg, command.lines)
    case 'DELE':
      return handleDele(s, state, command.msg)
    case 'RSET':
      return handleRset(s, state)
    case 'NOOP':
      return s.reply(okLine())
    case 'QUIT':
      return handleQuitTransaction(s, state)
    default:
      throw wrongState(command.name, 'not valid after login')
  }
}

function wrongState(name: Pop3CommandName, why: string): Pop3Error {
  return pop3SyntaxError(`${name} is ${why}`)
}
