// What the pipeline decided for one accepted recipient at RCPT time; carried (opaque to the session)
// in AcceptedRecipient.route until the end of DATA.

export interface LocalTarget {
  accountId: number
  email: string
  /** RFC 5233 subaddress (`user+tag`), for Sieve later. */
  tag: string | null
  /** The account's quota when the resolver read it (null: none; absent: unknown, look it up). */
  quotaBytes?: number | null
}

export type RouteVia = 'account' | 'alias' | 'catch-all' | 'postmaster' | 'relay' | 'trap'

export interface RecipientRoute {
  /** The recipient as the client gave it (wire form). */
  address: string
  via: RouteVia
  /** Local accounts that receive a copy. */
  local: LocalTarget[]
  /** Addresses for the outbound queue: the recipient itself (relay) or alias targets elsewhere. */
  remote: string[]
}

export function isRecipientRoute(value: unknown): value is RecipientRoute {
  const v = value as Partial<RecipientRoute> | null
  return typeof v === 'object' && v !== null && Array.isArray(v.local) && Array.isArray(v.remote)
}
