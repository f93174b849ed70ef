// TRANSACTION state commands that only read or mark the snapshot (RFC 1939 §5, §7): STAT, LIST,
// UIDL, DELE, RSET, NOOP. Deletions are marks until QUIT (handle-quit.ts).
import { multiLine, okLine } from '../protocol/response.ts'
import { uniqueId } from '../protocol/unique-id.ts'
import { sizeOf } from './maildrop.ts'
import { measureSizes } from './measure-sizes.ts'
import type { Pop3SessionContext, TransactionState } from './session-context.ts'

export async function handleStat(s: Pop3SessionContext, tx: TransactionState): Promise<void> {
  await measureSizes(tx.maildrop, s.deps.storage.messages, s.deps.sizes)
  const { count, octets } = tx.maildrop.stat()
  // RFC 1939 §5: exactly "+OK count octets", which clients parse.
  s.reply(okLine(`${count} ${octets}`))
}

export async function handleList(s: Pop3SessionContext, tx: TransactionState, msg: number | null): Promise<void> {
  const { maildrop } = tx
  if (msg !== null) {
    const message = maildrop.message(msg)
    await measureSizes(maildrop, s.deps.storage.messages, s.deps.sizes, [message])
    s.reply(okLine(`${msg} ${sizeOf(message)}`))
    return
  }
  await measureSizes(maildrop, s.deps.storage.messages, s.deps.sizes)
  const { count, octets } = maildrop.stat()
  const lines = maildrop.live().map(({ msg: n, message }) => `${n} ${sizeOf(message)}`)
  s.reply(multiLine(`${count} messages (${octets} octets)`, lines))
}

export function handleUidl(s: Pop3SessionContext, tx: TransactionState, msg: number | null): void {
  const { maildrop } = tx
  if (msg !== null) {
    const message = maildrop.message(msg)
    s.reply(okLine(`${msg} ${uniqueId(message.uid, maildrop.uidValidity)}`))
    return
  }
  const lines = maildrop.live().map(({ msg: n, message }) => `${n} ${uniqueId(message.uid, maildrop.uidValidity)}`)
  s.reply(multiLine('unique-id listing follows', lines))
}

export function handleDele(s: Pop3SessionContext, tx: TransactionState, msg: number): void {
  tx.maildrop.message(msg).deleted = true
  s.reply(okLine(`message ${msg} deleted`))
}

export function handleRset(s: Pop3SessionContext, tx: TransactionState): void {
  tx.maildrop.reset()
  const count = tx.maildrop.messages.length
  s.reply(okLine(`maildrop has ${count} message${count === 1 ? '' : 's'}`))
}
