// Tables of outbound delivery (DESIGN.md "delivery"): the queue (moved here from schema.ts when 0002
// gave it per-domain entries and per-recipient results) and the DKIM keys. Hand-written SQL lives in
// migrations/0002_delivery.sql; the transport engineer's TLS-RPT table is appended below ours.
import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core'

/**
 * The persistent outbound queue: one row per (accepted message, recipient domain). The message bytes
 * live in `<dataDir>/<spool_path>` (written and fsynced before the row is committed, see
 * src/delivery/queue/spool-file.ts); every entry of one message shares that file. Finished rows
 * (delivered/failed) stay for `queue.keepFinishedDays` so `queue show` and inbound DSNs find them.
 */
export const outboundQueue = sqliteTable(
  'outbound_queue',
  {
    /** newId('q') for the first domain of a message (also the spool file's name), `<id>-N` for the others. */
    id: text('id').primaryKey(),
    createdAt: integer('created_at').notNull(),
    /** RFC 5321 reverse-path (MAIL FROM), '' for the null sender `<>`. */
    sender: text('sender').notNull(),
    /** JSON array of { address, notify, orcpt } (RFC 3461 §4.1, §4.2), every one in `domain`. */
    recipientsJson: text('recipients_json').notNull(),
    /** Spool file, relative to the data directory (`queue/<id>.eml`). */
    spoolPath: text('spool_path').notNull(),
    size: integer('size').notNull(),
    /** RFC 3461 §4.3 RET and §4.4 ENVID, passed on or used for DSNs. */
    ret: text('ret'),
    envid: text('envid'),
    /** RFC 6152 BODY= and RFC 6531 SMTPUTF8 of the original transaction, so the relay repeats them. */
    bodyType: text('body_type'),
    smtputf8: integer('smtputf8', { mode: 'boolean' }).notNull().default(false),
    /** RFC 8689 REQUIRETLS. */
    requireTls: integer('require_tls', { mode: 'boolean' }).notNull().default(false),
    /** Authenticated submitter, null for mail forwarded from the MX. */
    accountId: integer('account_id'),
    /** queued | in-flight | deferred | delivered | failed (src/delivery/queue/queue-state.ts). */
    state: text('state').notNull().default('queued'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: integer('next_attempt_at').notNull(),
    lastError: text('last_error'),
    /** Lower-case A-label recipient domain; '' only for rows queued before 0002 (split at start). */
    domain: text('domain').notNull().default(''),
    /** JSON object address → RecipientOutcome: what the last attempt decided for each recipient. */
    resultsJson: text('results_json').notNull().default('{}'),
    /** Message-ID of the spooled message (read at the first attempt), to match inbound DSNs. */
    messageId: text('message_id'),
    lastAttemptAt: integer('last_attempt_at'),
    /** RFC 3461 §4.1 DELAY: the one delay notification for this entry was sent. */
    delayNotified: integer('delay_notified', { mode: 'boolean' }).notNull().default(false),
    /** A DSN is owed but not yet durable (crash between the result and the DSN): redone at start. */
    dsnPending: integer('dsn_pending', { mode: 'boolean' }).notNull().default(false),
    /** When the entry reached delivered/failed; finished rows are purged after the retention. */
    finishedAt: integer('finished_at'),
  },
  t => [
    index('outbound_queue_state_next_idx').on(t.state, t.nextAttemptAt),
    index('outbound_queue_message_id_idx').on(t.messageId),
    index('outbound_queue_spool_idx').on(t.spoolPath),
  ],
)

/** DKIM signing keys (RFC 6376, RFC 8463): one RSA and one Ed25519 key per domain are active. */
export const dkimKeys = sqliteTable(
  'dkim_keys',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** Signing domain (d=), lower-case A-label. */
    domain: text('domain').notNull(),
    /** s= tag; the TXT record lives at `<selector>._domainkey.<domain>`. */
    selector: text('selector').notNull(),
    /** 'rsa-sha256' | 'ed25519-sha256' */
    algorithm: text('algorithm').notNull(),
    /** PKCS#8 PEM. A secret: never logged, never returned by the API. */
    privateKey: text('private_key').notNull(),
    /** The p= value: base64 SubjectPublicKeyInfo (RSA) or the raw 32-byte key (Ed25519, RFC 8463 §4). */
    publicKey: text('public_key').notNull(),
    /** 'active' signs; 'retired' stays published until its retention ends, so mail in transit verifies. */
    status: text('status').notNull(),
    createdAt: integer('created_at').notNull(),
    retiredAt: integer('retired_at'),
  },
  t => [
    uniqueIndex('dkim_keys_domain_selector_unique').on(t.domain, t.selector),
    index('dkim_keys_domain_idx').on(t.domain, t.status),
  ],
)

// ---- Transport tables (issue 7 §2 and §6: MTA-STS policy cache, TLS-RPT counters) ----
// Owned by src/delivery/mta-sts and src/delivery/tls-rpt; SQL in the matching block of 0002_delivery.sql.

/** RFC 8461 §5.1: fetched MTA-STS policies, kept until max_age so a restart does not forget them. */
export const mtaStsPolicies = sqliteTable('mta_sts_policies', {
  /** Policy domain (the recipient domain), lower-case A-label. */
  domain: text('domain').primaryKey(),
  /** The `id=` of the `_mta-sts` TXT record the policy was fetched for. */
  policyId: text('policy_id').notNull(),
  /** The policy file's lines joined by CRLF. */
  policyText: text('policy_text').notNull(),
  fetchedAt: integer('fetched_at').notNull(),
  /** fetched_at + max_age (ms). */
  expiresAt: integer('expires_at').notNull(),
})

/**
 * RFC 8460 §4.4 "policies" entries being counted: one row per UTC day, policy domain and applied
 * policy, with the session totals of its "summary". Rows of finished days are turned into reports
 * and deleted by the TLS-RPT service.
 */
export const tlsRptPolicies = sqliteTable(
  'tls_rpt_policies',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** UTC day the sessions happened, YYYY-MM-DD. */
    day: text('day').notNull(),
    policyDomain: text('policy_domain').notNull(),
    /** 'sts' | 'no-policy-found' (RFC 8460 §4.4 policy-type). */
    policyType: text('policy_type').notNull(),
    /** JSON array of the policy-string lines ('[]' for no-policy-found). */
    policyString: text('policy_string').notNull(),
    /** JSON array of the policy's mx patterns. */
    mxHost: text('mx_host').notNull(),
    successCount: integer('success_count').notNull().default(0),
    failureCount: integer('failure_count').notNull().default(0),
  },
  t => [uniqueIndex('tls_rpt_policies_key_unique').on(t.day, t.policyDomain, t.policyType, t.policyString)],
)

/** RFC 8460 §4.4 "failure-details": failed sessions counted per kind of failure and receiving host. */
export const tlsRptFailures = sqliteTable(
  'tls_rpt_failures',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    policyId: integer('policy_id')
      .notNull()
      .references(() => tlsRptPolicies.id, { onDelete: 'cascade' }),
    /** RFC 8460 §4.3 result-type, e.g. certificate-expired, starttls-not-supported. */
    resultType: text('result_type').notNull(),
    /** '' when unknown (empty strings, not NULL, so the unique index groups them). */
    sendingMtaIp: text('sending_mta_ip').notNull().default(''),
    receivingMxHostname: text('receiving_mx_hostname').notNull().default(''),
    receivingMxHelo: text('receiving_mx_helo').notNull().default(''),
    receivingIp: text('receiving_ip').notNull().default(''),
    failureReasonCode: text('failure_reason_code').notNull().default(''),
    failedSessionCount: integer('failed_session_count').notNull().default(0),
  },
  t => [
    uniqueIndex('tls_rpt_failures_key_unique').on(
      t.policyId,
      t.resultType,
      t.sendingMtaIp,
      t.receivingMxHostname,
      t.receivingMxHelo,
      t.receivingIp,
      t.failureReasonCode,
    ),
  ],
)
