// LOGIN userid password (RFC 9051 §6.2.3): both astrings, so quoted or literal when needed.
import type { ImapTokenizer } from '../tokenizer.ts'

export interface LoginCommand {
  name: 'LOGIN'
  username: string
  password: string
}

export function parseLogin(t: ImapTokenizer): LoginCommand {
  t.space('user name')
  const username = t.astring('user name')
  t.space('password')
  return { name: 'LOGIN', username, password: t.astring('password') }
}
