// The runner's hot statements as cached bun:sqlite queries: drizzle builds and prepares its SQL on
// every call, which cost more than running it once per claimed or recorded entry (profiled with
// bench/delivery.ts). Column names as in migrations 0001/0002.
import type { Database } from 'bun:sqlite'
import type { QueueRow } from './queue-rows.ts'

/** Snake-case columns aliased to the drizzle row shape, so rowToMessage() reads both. */
const ROW = `id, created_at AS createdAt, sender, recipients_json AS recipientsJson, spool_path AS spoolPath, size,
  ret, envid, body_type AS bodyType, smtputf8, require_tls AS requireTls, account_id AS accountId, state, attempts,
  next_attempt_at AS nextAttemptAt, last_error AS lastError, domain, results_json AS resultsJson,
  message_id AS messageId, last_attempt_at AS lastAttemptAt, delay_notified AS delayNotified,
  dsn_pending AS dsnPending, finished_at AS finishedAt`

type RawRow = Omit<QueueRow, 'smtputf8' | 'requireTls' | 'delayNotified' | 'dsnPending'> & {
  smtputf8: number
  requireTls: number
  delayNotified: number
  dsnPending: number
}

/** SQLite stores booleans as 0/1; the drizzle shape has booleans. */
export const fromRaw = (row: RawRow): QueueRow => ({
  ...row,
  smtputf8: row.smtputf8 === 1,
  requireTls: row.requireTls === 1,
  delayNotified: row.delayNotified === 1,
  dsnPending: row.dsnPending === 1,
})

/** Due entries of one state (?1 now, ?2 JSON array of domains to leave out), in index order. */
const DUE_OF_STATE = (state: 'queued' | 'deferred') =>
  `SELECT id, domain, next_attempt_at AS at FROM outbound_queue WHERE state = '${state}' AND next_attempt_at <= ?1 AND domain NOT IN (SELECT value FROM json_each(?2))`

export function queueStatements(sqlite: Database) {
  const claim = sqlite.query<RawRow, [number, string]>(
    `UPDATE outbound_queue SET state = 'in-flight', attempts = attempts + 1, last_attempt_at = ?1 WHERE id = ?2 AND state IN ('queued', 'deferred') RETURNING ${ROW}`,
  )
  return {
    /**
     * Due entries in due order, leaving out the domains in the JSON array ?2. One SELECT per state,
     * merged: each walks outbound_queue_state_next_idx in order and stops at the LIMIT, where
     * `state IN (...)` made SQLite collect and sort every due row on each claim (2-3 ms with a few
     * thousand queued, most of the runner's CPU in bench/delivery.ts; now 0.1-0.3 ms).
     */
    due: sqlite.query<{ id: string; domain: string }, [number, string, number]>(
      `${DUE_OF_STATE('queued')} UNION ALL ${DUE_OF_STATE('deferred')} ORDER BY at, id LIMIT ?3`,
    ),
    claim: {
      get: (now: number, id: string) => {
        const row = claim.get(now, id)
        return row ? fromRaw(row) : null
      },
    },
    nextDue: sqlite.query<{ at: number | null }, []>(
      `SELECT min(next_attempt_at) AS at FROM outbound_queue WHERE state IN ('queued', 'deferred')`,
    ),
    save: sqlite.query<
      unknown,
      [string, string, number, string | null, number, number, number | null, string | null, string]
    >(
      `UPDATE outbound_queue SET state = ?1, results_json = ?2, next_attempt_at = ?3, last_error = ?4, dsn_pending = ?5, delay_notified = ?6, finished_at = ?7, message_id = ?8 WHERE id = ?9`,
    ),
    liveUser: sqlite.query<{ id: string }, [string]>(
      `SELECT id FROM outbound_queue WHERE spool_path = ?1 AND (state NOT IN ('delivered', 'failed') OR dsn_pending = 1) LIMIT 1`,
    ),
  }
}
