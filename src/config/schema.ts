// The one typed configuration schema (DESIGN.md "Config"). Every key has a description that the
// README's configuration reference is generated from (`mail-server config docs`). Defaults per
// profile live in ./profiles.ts; ./load.ts merges flags > environment > TOML file > profile.
// The zod-like builder in ./schema-builder.ts, not zod itself: zod costs ~12 MB of an idle server's
// RSS (see there). Write keys exactly as with zod.
import * as z from './schema-builder.ts'

const port = z.number().int().min(0).max(65535)
const listener = (what: string) =>
  z
    .object({
      enabled: z.boolean().describe(`Serve ${what}`),
      port: port.describe(`TCP port for ${what} (0 = pick a free port)`),
    })
    .strict()

const hostPort = z
  .string()
  .regex(/^(\[[0-9a-fA-F:.]+\]|[^\s:[\]]+)(:\d{1,5})?$/, 'expected host or host:port ([v6]:port for IPv6)')

export const configSchema = z
  .object({
    profile: z.enum(['dev', 'production']).describe('Profile whose defaults fill unset keys'),
    hostname: z
      .string()
      .min(1)
      .regex(
        /^[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?(\.[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?)*$/,
        'not a valid host name',
      )
      .describe('Fully qualified host name used in greetings, Received headers and the certificate'),
    dataDir: z.string().min(1).describe('Directory for mail.db, maildir/ and generated certificates'),
    bind: z.array(z.string().min(1)).min(1).describe('Addresses every listener binds to'),
    smtp: z
      .object({
        mx: listener('SMTP for incoming mail (MX)'),
        submission: listener('SMTP submission with STARTTLS (RFC 6409)'),
        submissions: listener('SMTP submission over implicit TLS (RFC 8314)'),
        maxMessageSize: z.number().int().positive().describe('Largest message accepted, in bytes (SIZE, RFC 1870)'),
        maxRecipients: z.number().int().positive().describe('Recipients per message'),
        maxErrors: z.number().int().positive().describe('Protocol errors before the connection is closed'),
        allowInsecureAuth: z.boolean().describe('Offer AUTH on connections without TLS (never in production)'),
        trap: z
          .boolean()
          .describe('Trap mode (serve --trap): accept any recipient without AUTH and file all mail in one mailbox'),
        commandTimeoutSeconds: z
          .number()
          .int()
          .positive()
          .describe('Wait for the next command before closing (RFC 5321 §4.5.3.2.7: at least 300)'),
        dataTimeoutSeconds: z
          .number()
          .int()
          .positive()
          .describe('Wait for the next block of message data (RFC 5321 §4.5.3.2.5: at least 180)'),
        maxDataLineLength: z
          .number()
          .int()
          .min(0)
          .describe('Longest message line in bytes with CRLF (RFC 5321 §4.5.3.1.6: 1000); 0 = no limit'),
        bareLineEndings: z
          .enum(['reject', 'normalize'])
          .describe('Bare CR or LF in message data (SMTP smuggling): reject with 550 5.5.2, or normalize to CRLF'),
        inbound: z
          .object({
            senderPolicy: z
              .enum(['own-addresses', 'any'])
              .describe(
                'Envelope senders an authenticated user may use: own address, its +tags and aliases leading to it, or any',
              ),
            dmarcReject: z
              .boolean()
              .describe('Refuse (550 5.7.1) mail that fails DMARC when the sender domain publishes p=reject'),
            dnsblZones: z
              .array(z.string().min(1))
              .describe('DNS blocklist zones queried for each client address (e.g. zen.spamhaus.org); empty = off'),
            trapAccount: z
              .string()
              .describe('Account that receives all mail in trap mode (serve --trap); empty = trap@<hostname>'),
          })
          .strict(),
      })
      .strict(),
    imap: z
      .object({
        plain: listener('IMAP with STARTTLS'),
        tls: listener('IMAP over implicit TLS'),
        maxLiteralSize: z.number().int().positive().describe('Largest literal / APPEND accepted, in bytes'),
        maxLineLength: z
          .number()
          .int()
          .min(8192)
          .describe('Longest IMAP command line in bytes (RFC 7162 §4: at least 8192)'),
        allowInsecureAuth: z
          .boolean()
          .describe('Accept LOGIN and AUTHENTICATE on IMAP connections without TLS (never in production)'),
        maxErrors: z
          .number()
          .int()
          .positive()
          .describe('BAD IMAP commands and failed logins before the connection is closed'),
        idleTimeoutSeconds: z
          .number()
          .int()
          .min(1800)
          .describe(
            'Inactivity (also during IDLE) before an IMAP connection is logged out (RFC 9051 §5.4: at least 1800)',
          ),
      })
      .strict(),
    pop3: z
      .object({
        plain: listener('POP3 with STLS'),
        tls: listener('POP3 over implicit TLS'),
        allowInsecureAuth: z
          .boolean()
          .describe('Accept USER/PASS and AUTH on POP3 connections without TLS (never in production)'),
        maxErrors: z
          .number()
          .int()
          .positive()
          .describe('Bad POP3 commands and failed logins before the connection is closed'),
        idleTimeoutSeconds: z
          .number()
          .int()
          .positive()
          .describe('Idle time before a POP3 connection is closed (RFC 1939 §3: at least 600)'),
      })
      .strict(),
    managesieve: listener('ManageSieve (RFC 5804)'),
    http: z
      .object({
        enabled: z.boolean().describe('Serve the HTTP listener (API, admin, DAV, health)'),
        port: port.describe('HTTP port'),
        tlsPort: port.describe('HTTPS port (0 = pick a free port)'),
        tlsEnabled: z.boolean().describe('Serve HTTPS as well'),
      })
      .strict(),
    tls: z
      .object({
        certFile: z
          .string()
          .describe('PEM certificate chain (e.g. /etc/letsencrypt/live/<host>/fullchain.pem); empty = self-signed'),
        keyFile: z.string().describe('PEM private key (e.g. /etc/letsencrypt/live/<host>/privkey.pem)'),
        minVersion: z.enum(['TLSv1.2', 'TLSv1.3']).describe('Oldest TLS version accepted'),
        watchIntervalSeconds: z
          .number()
          .int()
          .positive()
          .describe('How often certificate files are checked for changes'),
      })
      .strict(),
    limits: z
      .object({
        maxConnections: z.number().int().positive().describe('Open connections across all mail listeners'),
        maxConnectionsPerIp: z.number().int().positive().describe('Open connections from one client address'),
        maxLineLength: z.number().int().min(512).describe('Longest command line in bytes (RFC 5321 §4.5.3.1.4: 512)'),
        idleTimeoutSeconds: z.number().int().positive().describe('Idle time before a connection is closed'),
        authFailuresBeforeThrottle: z
          .number()
          .int()
          .positive()
          .describe('Failed logins per IP/account before back-off'),
      })
      .strict(),
    delivery: z
      .object({
        method: z
          .enum(['direct', 'ses', 'relay'])
          .describe('How outbound mail leaves: direct to MX, Amazon SES, or a relay'),
        // ---- outbound transports (src/delivery/smtp-client, direct, relay, ses, mta-sts, tls-rpt) ----
        heloName: z.string().describe('Name sent in EHLO to remote servers (RFC 5321 §4.1.1.1); empty = hostname'),
        trustedCaFiles: z
          .array(z.string().min(1))
          .describe(
            'PEM files of extra CAs trusted when outbound TLS verifies certificates (MTA-STS, REQUIRETLS, relay, policy fetches)',
          ),
        connectTimeoutSeconds: z.number().int().positive().describe('Wait for a TCP connect and TLS handshake'),
        commandTimeoutSeconds: z
          .number()
          .int()
          .positive()
          .describe('Wait for the greeting and each reply (RFC 5321 §4.5.3.2: 5 minutes)'),
        dataTimeoutSeconds: z
          .number()
          .int()
          .positive()
          .describe('Wait for the reply after the message data (RFC 5321 §4.5.3.2.6: 10 minutes)'),
        maxConnectionsPerHost: z
          .number()
          .int()
          .positive()
          .describe('Connections open at once to one remote host (busy and idle)'),
        idleConnectionSeconds: z
          .number()
          .int()
          .min(0)
          .describe('Keep an idle outbound connection this long for the next message to the same host'),
        maxMessagesPerConnection: z
          .number()
          .int()
          .positive()
          .describe('Transactions on one outbound connection before it is closed'),
        direct: z
          .object({
            port: port.describe('Port of remote MX hosts (25; tests point it at a local fake)'),
            tls: z
              .enum(['opportunistic', 'verify'])
              .describe(
                'opportunistic: STARTTLS when offered, any certificate (RFC 7435); verify: require a valid certificate for every MX',
              ),
            verifyDomains: z
              .array(z.string().min(1))
              .describe('Recipient domains whose MX must present a valid certificate, whatever `tls` says'),
          })
          .strict(),
        mtaSts: z
          .object({
            enabled: z
              .boolean()
              .describe('Honour the MTA-STS policies of recipient domains (RFC 8461): verified TLS when enforced'),
            port: port.describe('HTTPS port of mta-sts.<domain> policy hosts (443; tests use a local stub)'),
            fetchTimeoutSeconds: z.number().int().positive().describe('Wait for one policy fetch'),
          })
          .strict(),
        tlsRpt: z
          .object({
            enabled: z
              .boolean()
              .describe('Count outbound TLS results and send daily reports to domains that ask (RFC 8460)'),
            organizationName: z.string().describe('organization-name in reports; empty = hostname'),
            contactInfo: z.string().describe('contact-info in reports; empty = postmaster@<hostname>'),
          })
          .strict(),
        relay: z
          .object({
            host: z.string().describe('Smarthost name'),
            port: port.describe('Smarthost port'),
            username: z.string().describe('Smarthost AUTH user'),
            password: z.string().describe('Smarthost AUTH password'),
            tls: z.enum(['starttls', 'implicit', 'none']).describe('How to secure the relay connection'),
            verifyCertificate: z
              .boolean()
              .describe('Require a valid certificate for the relay host (add a private CA to trustedCaFiles)'),
          })
          .strict(),
        ses: z
          .object({
            region: z.string().describe('AWS region for SES'),
            endpoint: z
              .union([z.literal(''), z.url()])
              .describe('SES API endpoint; empty = https://email.<region>.amazonaws.com'),
            accessKeyId: z.string().describe('AWS access key id; empty = the EC2 instance role (IMDSv2)'),
            secretAccessKey: z.string().describe('AWS secret access key (with accessKeyId)'),
            sessionToken: z.string().describe('AWS session token for temporary credentials (optional)'),
            imdsEndpoint: z.url().describe('EC2 instance metadata service (IMDSv2) for role credentials'),
            configurationSet: z.string().describe('SES configuration set for sent mail (empty = none)'),
            timeoutSeconds: z.number().int().positive().describe('Wait for one SES API call'),
          })
          .strict(),
      })
      .strict(),
    // ---- outbound queue and DKIM signing (src/delivery/queue, dsn, dkim) ----
    queue: z
      .object({
        enabled: z
          .boolean()
          .describe('Run the queue runner (deliver outbound mail); off = accept and keep mail queued, e.g. in tests'),
        concurrency: z.number().int().positive().describe('Outbound delivery attempts running at once'),
        concurrencyPerDomain: z
          .number()
          .int()
          .positive()
          .describe('Delivery attempts running at once for one recipient domain'),
        retryScheduleSeconds: z
          // coerce: --set and environment lists arrive as strings ("60,300,900").
          .array(z.coerce.number().int().positive())
          .min(1)
          .describe('Wait after the 1st, 2nd, … failed attempt, in seconds; the last value repeats'),
        retryJitter: z
          .number()
          .min(0)
          .max(1)
          .describe('Fraction of each retry delay added or removed at random, so deferred mail spreads out'),
        maxAgeHours: z
          .number()
          .positive()
          .describe('Give up and bounce after this long in the queue (RFC 5321 §4.5.4.1: 4-5 days)'),
        delayWarningHours: z
          .number()
          .min(0)
          .describe('Send one delay DSN after a message has waited this long (RFC 3461 DELAY); 0 = never'),
        pollIntervalSeconds: z
          .number()
          .positive()
          .describe('Look for due entries at least this often (picks up retries and flushes from the CLI)'),
        keepFinishedDays: z
          .number()
          .min(0)
          .describe('Keep delivered and bounced entries this long for `queue show` and matching returned DSNs'),
        dsnMaxOriginalBytes: z
          .number()
          .int()
          .min(0)
          .describe('Return the whole original in a bounce up to this size; larger ones get their headers only'),
      })
      .strict(),
    dkim: z
      .object({
        enabled: z.boolean().describe('DKIM-sign outbound mail of hosted domains that have keys (RFC 6376)'),
        algorithms: z
          .array(z.enum(['rsa-sha256', 'ed25519-sha256']))
          .min(1)
          .describe('Key types each domain gets; with both, mail carries both signatures (RFC 8463)'),
        rsaBits: z
          .number()
          .int()
          .min(1024)
          .max(8192)
          .describe('Size of new RSA keys (RFC 8301: at least 1024, 2048 advised)'),
        retiredKeyDays: z
          .number()
          .int()
          .min(0)
          .describe('Keep a rotated key in the DNS record list this long, so mail signed before the rotation verifies'),
      })
      .strict(),
    dns: z
      .object({
        servers: z.array(hostPort).describe('Upstream resolvers (host:port); empty = the system resolvers'),
        timeoutMs: z.number().int().positive().describe('Per-query timeout'),
      })
      .strict(),
    monitoring: z
      .object({
        discordWebhookUrl: z
          .union([z.literal(''), z.url()])
          .describe('Discord webhook for health alerts (empty = off)'),
        checkIntervalSeconds: z.number().int().positive().describe('How often the health monitor runs its checks'),
        heartbeatIntervalSeconds: z
          .number()
          .int()
          .min(0)
          .describe('How often the monitor posts a heartbeat (0 = never)'),
        connectionsWarnPercent: z
          .number()
          .min(1)
          .max(100)
          .describe('Alert when open connections reach this share of limits.maxConnections'),
        connectionsCriticalPercent: z
          .number()
          .min(1)
          .max(100)
          .describe('Escalate the connections alert at this share of limits.maxConnections'),
        certificateWarnDays: z
          .number()
          .int()
          .min(0)
          .describe('Alert when the TLS certificate expires within this many days'),
        certificateCriticalDays: z
          .number()
          .int()
          .min(0)
          .describe('Escalate the certificate alert within this many days'),
        diskWarnPercent: z.number().min(1).max(100).describe('Alert when the data directory disk is this full'),
        diskCriticalPercent: z.number().min(1).max(100).describe('Escalate the disk alert at this usage'),
        databaseFailuresBeforeAlert: z
          .number()
          .int()
          .positive()
          .describe('Consecutive failed database checks before the database alert'),
        queueBacklogMessages: z
          .number()
          .int()
          .positive()
          .describe('Alert when the outbound queue holds this many messages'),
        queueMaxAgeMinutes: z
          .number()
          .int()
          .positive()
          .describe('Alert when the oldest outbound message has waited this long'),
        maxMessagesPerMinute: z
          .number()
          .int()
          .positive()
          .describe('Webhook posts per minute at most (Discord allows about 30); extra posts wait'),
      })
      .strict(),
    metrics: z
      .object({
        enabled: z.boolean().describe('Serve Prometheus metrics at /metrics on the HTTP listener'),
        bearerToken: z
          .string()
          .describe('Bearer token /metrics requires (Authorization: Bearer <token>); empty = open'),
      })
      .strict(),
    tracing: z
      .object({
        endpoint: z
          .union([z.literal(''), z.url()])
          .describe('OTLP/HTTP traces URL (e.g. http://127.0.0.1:4318/v1/traces); empty = tracing off'),
        authorization: z.string().describe('Authorization header sent to the OTLP endpoint (empty = none)'),
        serviceName: z.string().min(1).describe('service.name resource attribute of exported spans'),
        batchSize: z.number().int().positive().describe('Spans per export request at most'),
        flushIntervalSeconds: z.number().positive().describe('Export buffered spans at least this often'),
        maxQueueSize: z
          .number()
          .int()
          .positive()
          .describe('Spans buffered while the endpoint is slow or down; newer spans are dropped beyond it'),
        sampleRatio: z.number().min(0).max(1).describe('Share of SMTP transactions and IMAP commands traced'),
      })
      .strict(),
    autoconfig: z
      .object({
        enabled: z
          .boolean()
          .describe('Serve Thunderbird autoconfig, Outlook Autodiscover and Apple .mobileconfig for hosted domains'),
        displayName: z.string().describe('Provider name shown by mail clients (empty = the domain)'),
        includeDav: z.boolean().describe('Add CalDAV and CardDAV accounts to the Apple .mobileconfig profile'),
      })
      .strict(),
    mtaSts: z
      .object({
        enabled: z
          .boolean()
          .describe('Serve /.well-known/mta-sts.txt for mta-sts.<domain> of every hosted domain (RFC 8461)'),
        mode: z.enum(['enforce', 'testing', 'none']).describe('Policy mode (RFC 8461 §5)'),
        mx: z
          .array(z.string().min(1))
          .describe('MX host patterns in the policy (e.g. mail.example.org, *.example.org); empty = hostname'),
        maxAgeSeconds: z
          .number()
          .int()
          .min(0)
          .max(31_557_600)
          .describe('How long senders cache the policy (RFC 8461 §3.2: at most 31557600)'),
      })
      .strict(),
    api: z
      .object({
        enabled: z.boolean().describe('Serve the REST API (/api/v1, bearer tokens from `mail-server token create`)'),
        maxBodyBytes: z
          .number()
          .int()
          .min(1024)
          .describe('Largest REST API request body in bytes; bigger requests get 413'),
      })
      .strict(),
    dav: z
      .object({
        enabled: z.boolean().describe('Serve CalDAV and CardDAV under /dav (RFC 4791, RFC 6352)'),
        maxResourceSize: z
          .number()
          .int()
          .min(1024)
          .describe('Largest calendar object, vCard or DAV XML request body in bytes; bigger requests get 413'),
        allowInsecureAuth: z
          .boolean()
          .describe(
            'Accept DAV Basic authentication over plain HTTP from non-loopback clients (never in production; loopback is always allowed)',
          ),
        credentialCacheSeconds: z
          .number()
          .int()
          .min(0)
          .describe('How long a verified DAV password is remembered (saves an Argon2id check per request); 0 = off'),
      })
      .strict(),
    // ---- backup/restore (src/backup) ----
    backup: z
      .object({
        target: z
          .string()
          .describe(
            'Where `backup create` and scheduled backups go: s3://bucket/prefix or a directory; empty = pass --to',
          ),
        intervalHours: z
          .number()
          .min(0)
          .describe('Take a backup this often while `serve` runs (0 = no scheduled backups)'),
        keep: z.number().int().min(0).describe('Keep at most this many snapshots in the target (0 = no limit)'),
        maxAgeDays: z
          .number()
          .min(0)
          .describe('Delete snapshots older than this many days; the newest is always kept (0 = no limit)'),
        encrypt: z.boolean().describe('Encrypt every backup (AES-256-GCM), as `backup create --encrypt` does'),
        encryptionKey: z
          .string()
          .regex(/^$|^[0-9a-fA-F]{64}$|^[A-Za-z0-9+/]{43}=$/, 'expected 32 bytes as 64 hex digits or base64')
          .describe(
            'Backup key: 32 bytes as 64 hex digits or base64 (`mail-server backup keygen`); keep a copy elsewhere',
          ),
        encryptionKeyFile: z
          .string()
          .describe('File holding the backup key (used when encryptionKey is empty), e.g. /etc/mail/backup.key'),
        concurrency: z.number().int().positive().max(64).describe('Objects uploaded or downloaded at once'),
        refreshObjectsAfterDays: z
          .number()
          .min(0)
          .describe(
            'Upload unchanged message objects again once this old, so a bucket rule that expires old objects never drops one a new snapshot needs (0 = never)',
          ),
        s3: z
          .object({
            region: z.string().describe('S3 region; empty = delivery.ses.region (AWS_REGION)'),
            endpoint: z
              .union([z.literal(''), z.url()])
              .describe('S3 endpoint for S3-compatible stores (MinIO, R2); empty = AWS'),
            accessKeyId: z
              .string()
              .describe('Access key id; empty = delivery.ses credentials (AWS_ACCESS_KEY_ID), then the instance role'),
            secretAccessKey: z.string().describe('Secret access key (with accessKeyId)'),
            sessionToken: z.string().describe('Session token for temporary credentials (optional)'),
            virtualHostedStyle: z
              .boolean()
              .describe('Address the bucket as <bucket>.<endpoint> instead of <endpoint>/<bucket>'),
          })
          .strict(),
      })
      .strict(),
    dnsRecords: z
      .object({
        ipv4: z
          .array(z.ipv4())
          .describe(
            'Public IPv4 addresses of the host name, for the A record `domain dns` shows (empty = placeholder)',
          ),
        ipv6: z
          .array(z.ipv6())
          .describe('Public IPv6 addresses of the host name, for the AAAA record `domain dns` shows'),
        dmarcPolicy: z
          .enum(['none', 'quarantine', 'reject'])
          .describe('DMARC policy (p=) recommended for hosted domains (RFC 7489 §6.3)'),
        reportAddress: z
          .string()
          .describe('Where DMARC aggregate and TLS-RPT reports go (empty = postmaster@<domain>)'),
      })
      .strict(),
    log: z
      .object({
        level: z.enum(['debug', 'info', 'warn', 'error']).describe('Lowest level written'),
        format: z.enum(['auto', 'json', 'pretty']).describe('json for machines, pretty for terminals, auto picks'),
      })
      .strict(),
    shutdownGraceSeconds: z.number().int().min(0).describe('How long SIGTERM waits for in-flight work'),
  })
  .strict()

export type Config = z.infer<typeof configSchema>
export type Profile = Config['profile']

/** Deep partial, for layers (file, env, flags) that set only some keys. */
export type ConfigLayer = { [K in keyof Config]?: Config[K] extends object ? DeepPartial<Config[K]> : Config[K] }
export type DeepPartial<T> = T extends unknown[] ? T : T extends object ? { [K in keyof T]?: DeepPartial<T[K]> } : T
