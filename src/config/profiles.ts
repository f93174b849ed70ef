// Profile defaults (DESIGN.md "Shape"). dev: loopback only, unprivileged ports, ./data, self-signed
// certificate. production: standard ports on all addresses, /opt/mail layout from the seed.
import type { Config, ConfigLayer, Profile } from './schema.ts'

const shared = {
  smtp: {
    maxMessageSize: 50 * 1024 * 1024,
    maxRecipients: 100,
    maxErrors: 10,
    allowInsecureAuth: false,
    trap: false,
    // RFC 5321 §4.5.3.2.7 (commands, 5 min) and §4.5.3.2.5 (each DATA block, 3 min).
    commandTimeoutSeconds: 300,
    dataTimeoutSeconds: 180,
    maxDataLineLength: 1000,
    bareLineEndings: 'reject',
    inbound: { senderPolicy: 'own-addresses', dmarcReject: true, dnsblZones: [], trapAccount: '' },
  },
  // RFC 9051 §5.4: the autologout timer is at least 30 minutes (also covers IDLE, RFC 2177 §3).
  imap: {
    maxLiteralSize: 50 * 1024 * 1024,
    maxLineLength: 64 * 1024,
    allowInsecureAuth: false,
    maxErrors: 10,
    idleTimeoutSeconds: 1800,
  },
  // RFC 1939 §3: the autologout timer must be at least 10 minutes.
  pop3: { allowInsecureAuth: false, maxErrors: 10, idleTimeoutSeconds: 600 },
  tls: { certFile: '', keyFile: '', minVersion: 'TLSv1.2', watchIntervalSeconds: 60 },
  limits: {
    maxConnections: 5000,
    maxConnectionsPerIp: 50,
    maxLineLength: 4096,
    // RFC 5321 §4.5.3.2.7: server timeout at least 5 minutes.
    idleTimeoutSeconds: 300,
    authFailuresBeforeThrottle: 5,
  },
  delivery: {
    method: 'direct',
    // Outbound transports. RFC 5321 §4.5.3.2: 5 minutes per reply, 10 after the data.
    heloName: '',
    trustedCaFiles: [],
    connectTimeoutSeconds: 30,
    commandTimeoutSeconds: 300,
    dataTimeoutSeconds: 600,
    maxConnectionsPerHost: 10,
    idleConnectionSeconds: 5,
    maxMessagesPerConnection: 100,
    direct: { port: 25, tls: 'opportunistic', verifyDomains: [] },
    mtaSts: { enabled: true, port: 443, fetchTimeoutSeconds: 30 },
    tlsRpt: { enabled: true, organizationName: '', contactInfo: '' },
    relay: { host: '', port: 587, username: '', password: '', tls: 'starttls', verifyCertificate: true },
    ses: {
      region: 'us-east-1',
      endpoint: '',
      accessKeyId: '',
      secretAccessKey: '',
      sessionToken: '',
      imdsEndpoint: 'http://169.254.169.254',
      configurationSet: '',
      timeoutSeconds: 30,
    },
  },
  // Back-off 1m, 5m, 15m, 30m, 1h, 2h, then every 4h until 5 days (RFC 5321 §4.5.4.1); delay DSN at 4h.
  queue: {
    enabled: true,
    concurrency: 50,
    concurrencyPerDomain: 10,
    retryScheduleSeconds: [60, 300, 900, 1800, 3600, 7200, 14_400],
    retryJitter: 0.1,
    maxAgeHours: 120,
    delayWarningHours: 4,
    pollIntervalSeconds: 5,
    keepFinishedDays: 7,
    dsnMaxOriginalBytes: 1024 * 1024,
  },
  dkim: { enabled: true, algorithms: ['rsa-sha256', 'ed25519-sha256'], rsaBits: 2048, retiredKeyDays: 7 },
  dns: { servers: [], timeoutMs: 5000 },
  // The seed's thresholds (observability/discord.zig): 75/90 % of connections, 14/7 days of
  // certificate, 85/95 % disk, three failed database checks, hourly heartbeat.
  monitoring: {
    discordWebhookUrl: '',
    checkIntervalSeconds: 60,
    heartbeatIntervalSeconds: 3600,
    connectionsWarnPercent: 75,
    connectionsCriticalPercent: 90,
    certificateWarnDays: 14,
    certificateCriticalDays: 7,
    diskWarnPercent: 85,
    diskCriticalPercent: 95,
    databaseFailuresBeforeAlert: 3,
    queueBacklogMessages: 500,
    queueMaxAgeMinutes: 60,
    maxMessagesPerMinute: 20,
  },
  // Open by default, like every Prometheus exporter; set a token when the HTTP port is public.
  metrics: { enabled: true, bearerToken: '' },
  tracing: {
    endpoint: '',
    authorization: '',
    serviceName: 'mail-server',
    batchSize: 256,
    flushIntervalSeconds: 5,
    maxQueueSize: 4096,
    sampleRatio: 1,
  },
  autoconfig: { enabled: true, displayName: '', includeDav: false },
  // RFC 8461 §3.2: max_age in seconds; a week is the common choice once a policy is stable.
  mtaSts: { enabled: false, mode: 'testing', mx: [], maxAgeSeconds: 604_800 },
  api: { enabled: true, maxBodyBytes: 1024 * 1024 },
  dav: { enabled: true, maxResourceSize: 10 * 1024 * 1024, allowInsecureAuth: false, credentialCacheSeconds: 60 },
  dnsRecords: { ipv4: [], ipv6: [], dmarcPolicy: 'quarantine', reportAddress: '' },
  backup: {
    target: '',
    intervalHours: 0,
    keep: 14,
    maxAgeDays: 0,
    encrypt: false,
    encryptionKey: '',
    encryptionKeyFile: '',
    concurrency: 8,
    refreshObjectsAfterDays: 0,
    s3: { region: '', endpoint: '', accessKeyId: '', secretAccessKey: '', sessionToken: '', virtualHostedStyle: false },
  },
  log: { level: 'info', format: 'auto' },
  shutdownGraceSeconds: 30,
} as const satisfies ConfigLayer

export const profiles: Record<Profile, Config> = {
  dev: {
    ...structuredClone(shared),
    profile: 'dev',
    hostname: 'localhost',
    dataDir: './data',
    bind: ['127.0.0.1'],
    smtp: {
      ...shared.smtp,
      mx: { enabled: true, port: 2525 },
      submission: { enabled: true, port: 2587 },
      submissions: { enabled: true, port: 2465 },
    },
    imap: { ...shared.imap, plain: { enabled: true, port: 2143 }, tls: { enabled: true, port: 2993 } },
    pop3: { ...shared.pop3, plain: { enabled: true, port: 2110 }, tls: { enabled: true, port: 2995 } },
    managesieve: { enabled: true, port: 24190 },
    http: { enabled: true, port: 8080, tlsPort: 8443, tlsEnabled: false },
  } as Config,
  production: {
    ...structuredClone(shared),
    profile: 'production',
    hostname: 'localhost',
    dataDir: '/opt/mail',
    // '0.0.0.0' only: adding '::' binds the same ports dual-stack, which collides on Linux; list '::' alone for IPv6.
    bind: ['0.0.0.0'],
    smtp: {
      ...shared.smtp,
      mx: { enabled: true, port: 25 },
      submission: { enabled: true, port: 587 },
      submissions: { enabled: true, port: 465 },
    },
    imap: { ...shared.imap, plain: { enabled: true, port: 143 }, tls: { enabled: true, port: 993 } },
    pop3: { ...shared.pop3, plain: { enabled: true, port: 110 }, tls: { enabled: true, port: 995 } },
    managesieve: { enabled: true, port: 4190 },
    http: { enabled: true, port: 80, tlsPort: 443, tlsEnabled: true },
    // The cloud stack's backup bucket expires objects after 90 days and grants no DeleteObject:
    // retention is the bucket's lifecycle rule, and objects still in use are uploaded again in time.
    backup: { ...shared.backup, s3: { ...shared.backup.s3 }, keep: 0, refreshObjectsAfterDays: 60 },
  } as Config,
}
