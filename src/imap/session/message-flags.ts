// The flag list of a message as a FETCH response shows it (RFC 9051 §7.5.2 FLAGS): the stored
// system flags and keywords, plus the session's \Recent (RFC 3501 §2.3.2; IMAP4rev1 clients only).
export interface StoredFlags {
  flags: readonly string[]
  keywords: readonly string[]
}

export function responseFlags(record: StoredFlags, recent: boolean): string[] {
  const flags: string[] = [...record.flags, ...record.keywords]
  if (recent) flags.push('\\Recent')
  return flags
}
