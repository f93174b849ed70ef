// The one list of what this server advertises (RFC 9051 §7.2.2 CAPABILITY), per state: a short list
// before login (as Dovecot does: how to log in, nothing about mailboxes) and the full list after.
// A command that adds an extension adds its capability here, and only here.
//
// Before TLS on the STARTTLS port, LOGIN and AUTHENTICATE are refused unless imap.allowInsecureAuth:
// then LOGINDISABLED is advertised and no AUTH= mechanism (RFC 9051 §6.2.3, §7.2.2, RFC 8314 §3).

/** Always, in every state. */
const BASE = ['IMAP4rev1', 'IMAP4rev2', 'LITERAL+', 'SASL-IR', 'ENABLE', 'IDLE', 'ID'] as const

/** SASL mechanisms of AUTHENTICATE (commands/authenticate.ts). */
export const AUTH_MECHANISMS = ['PLAIN', 'LOGIN'] as const

/** Session and mailbox-level commands (src/imap/commands). */
const MAILBOX_CAPABILITIES = [
  'NAMESPACE', // RFC 2342
  'UNSELECT', // RFC 3691
  'UIDPLUS', // RFC 4315: UID EXPUNGE, APPENDUID (COPYUID comes with COPY/MOVE)
  'MULTIAPPEND', // RFC 3502
  'CHILDREN', // RFC 3348
  'SPECIAL-USE', // RFC 6154
  'CREATE-SPECIAL-USE', // RFC 6154 §3
  'LIST-EXTENDED', // RFC 5258
  'LIST-STATUS', // RFC 5819
  'STATUS=SIZE', // RFC 8438
  'QUOTA', // RFC 9208
  'QUOTA=RES-STORAGE', // RFC 9208 §5.1
  'UTF8=ACCEPT', // RFC 6855
  'CONDSTORE', // RFC 7162 §3.1: HIGHESTMODSEQ in SELECT/STATUS; MODSEQ in FETCH/STORE
  'QRESYNC', // RFC 7162 §3.2: SELECT (QRESYNC ...), VANISHED; UID FETCH VANISHED
  'COMPRESS=DEFLATE', // RFC 4978 (commands/compress.ts)
] as const

/**
 * Extensions of the message commands (FETCH, STORE, SEARCH, COPY, MOVE), advertised together with
 * the rest; the engineer adding those commands keeps this list in step with what they implement.
 */
export const MESSAGE_COMMAND_CAPABILITIES = [
  'MOVE', // RFC 6851 (commands/copy.ts)
  'ESEARCH', // RFC 4731: RETURN (MIN MAX ALL COUNT)
  'SEARCHRES', // RFC 5182: RETURN (SAVE) and `$` (selected-mailbox.ts)
  'SORT', // RFC 5256 §3 (commands/sort.ts)
  'SORT=DISPLAY', // RFC 5957: DISPLAYFROM, DISPLAYTO
  'ESORT', // RFC 5267 §3.2: SORT RETURN (MIN MAX ALL COUNT SAVE)
  'THREAD=ORDEREDSUBJECT', // RFC 5256 §2.2 (commands/thread.ts)
  'THREAD=REFERENCES', // RFC 5256 §2.2
] as const

export interface CapabilityContext {
  authenticated: boolean
  /** TLS is active on the connection (implicit TLS or after STARTTLS). */
  secure: boolean
  /** The endpoint offers STARTTLS (the plain port with a certificate). */
  startTlsOffered: boolean
  allowInsecureAuth: boolean
  /** APPENDLIMIT (RFC 7889 §3): the largest message APPEND accepts. */
  appendLimit: number
}

export function capabilityList(ctx: CapabilityContext): string[] {
  const list: string[] = [...BASE]
  if (!ctx.authenticated) {
    if (ctx.startTlsOffered && !ctx.secure) list.push('STARTTLS')
    if (ctx.secure || ctx.allowInsecureAuth) list.push(...AUTH_MECHANISMS.map(m => `AUTH=${m}`))
    else list.push('LOGINDISABLED')
    return list
  }
  list.push(...MAILBOX_CAPABILITIES, ...MESSAGE_COMMAND_CAPABILITIES, `APPENDLIMIT=${ctx.appendLimit}`)
  return list
}

/** Whether LOGIN/AUTHENTICATE may be used on this connection now. */
export const loginAllowed = (ctx: Pick<CapabilityContext, 'secure' | 'allowInsecureAuth'>) =>
  ctx.secure || ctx.allowInsecureAuth
