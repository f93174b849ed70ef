// The POP3 protocol module `serve` starts (core/protocols.ts): POP3 with STLS (110) and POP3 over
// implicit TLS (995). RFC 1939 with CAPA, RESP-CODES, AUTH-RESP-CODE, PIPELINING (RFC 2449), STLS
// (RFC 2595) and AUTH PLAIN/LOGIN (RFC 5034). Decisions, each explained where it is implemented:
//   - INBOX only; the message list is a snapshot taken at login (session/maildrop.ts).
//   - One session per maildrop, [IN-USE] for the next (session/maildrop-locks.ts).
//   - Passwords only over TLS unless pop3.allowInsecureAuth (session/log-in.ts, protocol/capabilities.ts).
//   - Sizes count line ends as CRLF, as sent (protocol/wire-size.ts); RETR streams with
//     byte-stuffing and CRLF line ends, 8-bit bytes untouched (protocol/dot-stuff-encoder.ts).
//   - UIDL = UID + UIDVALIDITY in Dovecot's format (protocol/unique-id.ts).
//   - Nothing changes before QUIT: then RETR'd messages get \Seen (as Dovecot does) and DELE'd ones
//     are expunged through storage in one step; a dropped connection changes nothing (session/handle-quit.ts).
import type { ProtocolModule } from '../core/protocols.ts'
import { pop3Endpoints } from './session/pop3-endpoints.ts'

export const pop3Module: ProtocolModule = deps => pop3Endpoints(deps)
