// The commands a POP3 client may send (RFC 1939 §4-§7, RFC 2449 §5 CAPA, RFC 2595 §4 STLS,
// RFC 5034 §4 AUTH), as typed values the session dispatches on. Message numbers are 1-based as
// on the wire; whether one exists is the session's question, not the parser's.

export type Pop3Command =
  | { readonly name: 'USER'; readonly user: string }
  | { readonly name: 'PASS'; readonly password: string }
  /** `mechanism` null: RFC 1734-style `AUTH` without arguments, asking for the mechanism list. */
  | { readonly name: 'AUTH'; readonly mechanism: string | null; readonly initialResponse: string | null }
  | { readonly name: 'STAT' }
  | { readonly name: 'LIST'; readonly msg: number | null }
  | { readonly name: 'RETR'; readonly msg: number }
  | { readonly name: 'DELE'; readonly msg: number }
  | { readonly name: 'NOOP' }
  | { readonly name: 'RSET' }
  | { readonly name: 'QUIT' }
  | { readonly name: 'TOP'; readonly msg: number; readonly lines: number }
  | { readonly name: 'UIDL'; readonly msg: number | null }
  | { readonly name: 'CAPA' }
  | { readonly name: 'STLS' }

export type Pop3CommandName = Pop3Command['name']
