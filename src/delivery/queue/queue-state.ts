// The states of an outbound queue entry (issue 7 §1) and what a delivery attempt records per
// recipient. Postfix keeps the same split (qmgr: incoming → active → deferred; bounce/defer logs).
//
//   queued     accepted, due now (or released by a stop / restart)
//   in-flight  an attempt holds it; found at start-up it is retried (the attempt's fate is unknown)
//   deferred   the last attempt left recipients with temporary failures; due at next_attempt_at
//   delivered  every recipient accepted by the next hop
//   failed     every recipient final, at least one permanently failed (or expired)
export const QUEUE_STATES = ['queued', 'in-flight', 'deferred', 'delivered', 'failed'] as const
export type QueueState = (typeof QUEUE_STATES)[number]

export const isQueueState = (value: string): value is QueueState => (QUEUE_STATES as readonly string[]).includes(value)
export const isFinalState = (state: string): boolean => state === 'delivered' || state === 'failed'

export type RecipientStatus = 'delivered' | 'deferred' | 'failed'

/** The DSN (RFC 3464 Action) a recipient's current status calls for, and whether it went out. */
export type DsnMark = 'owed' | 'sent'

/** A DSN received from another MTA about this recipient (RFC 3464 §2.3), recorded against the entry. */
export interface ReceivedReport {
  action: string
  status: string
  diagnostic: string | null
  reportingMta: string | null
  at: number
}

export interface RecipientOutcome {
  status: RecipientStatus
  /** SMTP reply code, null when no reply was read (connection failure, expiry). */
  code: number | null
  enhancedStatus: string
  diagnostic: string
  remoteMta: string | null
  /** When this outcome was recorded. */
  at: number
  /** DSN bookkeeping for the current status; absent = no DSN asked for. */
  dsn?: DsnMark
  report?: ReceivedReport
}
