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
        relay: z
          .object({
            host: z.string().describe('Smarthost name'),
            port: port.describe('Smarthost port'),
            username: z.string().describe('Smarthost AUTH user'),
            password: z.string().describe('Smarthost AUTH password'),
            tls: z.enum(['starttls', 'implicit', 'none']).describe('How to secure the relay connection'),
          })
          .strict(),
        ses: z.object({ region: z.string().describe('AWS region for SES') }).strict(),
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
