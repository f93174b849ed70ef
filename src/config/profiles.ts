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
    relay: { host: '', port: 587, username: '', password: '', tls: 'starttls' },
    ses: { region: 'us-east-1' },
  },
  dns: { servers: [], timeoutMs: 5000 },
  monitoring: { discordWebhookUrl: '' },
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
  } as Config,
}
