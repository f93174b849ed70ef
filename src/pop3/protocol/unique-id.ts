// UIDL unique-ids (RFC 1939 §7): at most 70 characters in 0x21-0x7E, the same for a message across
// sessions, never reused. An IMAP UID together with the mailbox's UIDVALIDITY is exactly that
// (RFC 9051 §2.3.1.1), so POP3 and IMAP name a message the same way. The format is Dovecot's default
// `%08Xu%08Xv` (UID then UIDVALIDITY, 8 upper-case hex digits each), so clients that downloaded from a
// Dovecot whose mail was migrated with its UIDs keep recognising what they already have.

const hex8 = (n: number) => n.toString(16).toUpperCase().padStart(8, '0')

export function uniqueId(uid: number, uidValidity: number): string {
  return `${hex8(uid)}${hex8(uidValidity)}`
}
