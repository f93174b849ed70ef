// Stack parameters: what differs between installations (domain, host name, region, instance type,
// key pair, hosted zone). Read from a TOML file (`--params`, default ./mail-cloud.toml; see
// cloud/mail-cloud.example.toml), overridden by CLI flags. The install layout defaults are the seed's
// production layout (/opt/mail, /etc/mail/mail.env, mail.service, user mail-server) and only change
// in tests, which run the deploy script in a sandbox.
import fs from 'node:fs'
import path from 'node:path'
import { z } from 'zod'
import { MailError } from '../src/core/errors.ts'

const dnsName = z
  .string()
  .min(1)
  .max(253)
  .regex(
    /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/,
    'expected a lower-case fully qualified DNS name such as example.org',
  )
const email = z.string().regex(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, 'expected an email address')
const absolutePath = z.string().regex(/^\/[^\0]*$/, 'expected an absolute path')
// S3 bucket naming rules (lower case, 3–63, no "..", not an IP address).
const bucketName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'expected an S3 bucket name (3-63 lower-case letters, digits, . and -)')
  .refine(v => !v.includes('..') && !/^\d+\.\d+\.\d+\.\d+$/.test(v), 'not a valid S3 bucket name')
const endpoint = z
  .string()
  .regex(/^https?:\/\/[^\s/]+(\/.*)?$/, 'expected an http(s) URL')
  .optional()
  .describe('Endpoint URL override (tests, LocalStack); default https://<service>.<region>.amazonaws.com')

export const ARM_FAMILY = /^[a-z]+\dg[a-z]*\./

export const cloudParametersSchema = z
  .object({
    stackName: z
      .string()
      .regex(/^[a-z][a-z0-9-]{0,39}$/, 'expected lower case letters, digits and -, starting with a letter (max 40)')
      .describe('CloudFormation stack name; also the prefix of the bucket names'),
    region: z
      .string()
      .regex(/^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/, 'expected an AWS region such as us-east-1')
      .describe('AWS region of the stack'),
    domain: dnsName.describe('Mail domain (MX, SPF, DMARC, DKIM, MTA-STS records)'),
    hostname: dnsName.describe('Server host name (A record, certificate, SMTP greeting); default mail.<domain>'),
    hostedZoneId: z
      .string()
      .regex(/^Z[A-Z0-9]{1,32}$/, 'expected a Route53 hosted zone id such as Z0123456789ABCDEFGHIJ')
      .describe('Existing Route53 hosted zone of the domain'),
    instanceType: z
      .string()
      .regex(/^[a-z][a-z0-9-]*\.[a-z0-9]+$/, 'expected an EC2 instance type such as t3.small')
      .describe('EC2 instance type (t3.small; t4g.* selects arm64)'),
    os: z.enum(['al2023', 'debian12']).describe('Operating system: Amazon Linux 2023 or Debian 12'),
    imageId: z
      .string()
      .regex(/^ami-[0-9a-f]{8,17}$/, 'expected an AMI id such as ami-0123456789abcdef0')
      .optional()
      .describe('Pinned AMI; default: the latest for `os`, resolved once at stack creation and kept on updates'),
    keyName: z.string().max(255).default('').describe('EC2 key pair for SSH (empty = none; deploys use SSM)'),
    sshCidr: z
      .union([z.literal(''), z.string().regex(/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/, 'expected an IPv4 CIDR')])
      .default('')
      .describe('Open port 22 to this CIDR (empty = port 22 stays closed)'),
    rootVolumeGb: z.number().int().min(8).max(16384).default(30).describe('Root volume size (mail lives on it)'),
    artifactsBucket: bucketName.optional().describe('Deploy artifact bucket; default <stack>-artifacts-<account>'),
    backupsBucket: bucketName.optional().describe('Backup bucket; default <stack>-backups-<account>'),
    backupRetentionDays: z.number().int().min(1).max(3650).default(90).describe('Days backups are kept'),
    certificates: z
      .enum(['dns-route53', 'standalone'])
      .default('dns-route53')
      .describe('certbot authenticator: dns-route53 (no port 80, no downtime) or standalone (stops mail to renew)'),
    acmeEmail: email.optional().describe('ACME (Let’s Encrypt) account email; default postmaster@<domain>'),
    ses: z.boolean().default(true).describe('Create the SES domain identity (Easy DKIM) and send through SES'),
    dkim: z
      .object({
        selector: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'expected a DKIM selector'),
        publicKey: z.string().regex(/^[A-Za-z0-9+/]+=*$/, 'expected the base64 public key (p= value)'),
      })
      .strict()
      .optional()
      .describe('Own DKIM key of the server (TXT <selector>._domainkey), for direct delivery'),
    dmarcPolicy: z.enum(['none', 'quarantine', 'reject']).default('quarantine').describe('DMARC p='),
    dmarcReports: email.optional().describe('DMARC aggregate report address; default postmaster@<domain>'),
    mtaStsMode: z.enum(['none', 'testing', 'enforce']).default('testing').describe('MTA-STS mode (RFC 8461)'),
    tlsRptEmail: email.optional().describe('TLS-RPT report address (RFC 8460); default tls-reports@<domain>'),
    install: z
      .object({
        dir: absolutePath.default('/opt/mail').describe('Binary and data directory'),
        binaryName: z
          .string()
          .regex(/^[A-Za-z0-9._-]+$/)
          .default('mail-server'),
        service: z
          .string()
          .regex(/^[A-Za-z0-9@._-]+$/)
          .default('mail'),
        user: z
          .string()
          .regex(/^[a-z_][a-z0-9_-]*$/)
          .default('mail-server'),
        binaryOwner: z
          .string()
          .regex(/^[A-Za-z0-9_.-]+(:[A-Za-z0-9_.-]+)?$/)
          .default('root:root')
          .describe('Owner of the installed binary (root, so the service cannot replace its own code)'),
        envFile: absolutePath.default('/etc/mail/mail.env'),
        healthUrl: z
          .string()
          .regex(/^https?:\/\/\S+$/)
          .default('http://127.0.0.1/healthz')
          .describe('Checked after a swap (production serves HTTP on port 80)'),
        healthAttempts: z.number().int().min(1).max(600).default(30),
        healthIntervalSeconds: z.number().min(0).max(60).default(2),
        deployLog: absolutePath.default('/var/log/mail/deploy.log').describe('Deploy history on the instance'),
      })
      .strict()
      .prefault({}),
    deployPrefix: z
      .string()
      .regex(/^[\w./-]*\/$/, 'expected a key prefix ending in /')
      .refine(v => !v.startsWith('/') && !v.includes('//'), 'expected a key prefix such as deploy/')
      .default('deploy/'),
    endpoints: z.object({ cloudformation: endpoint, s3: endpoint, ssm: endpoint, ec2: endpoint }).strict().prefault({}),
    tags: z.record(z.string().regex(/^[\w .:/=+@-]{1,128}$/), z.string().max(256)).default({}),
  })
  .strict()

export type CloudParameters = z.infer<typeof cloudParametersSchema>
type SchemaInput = z.input<typeof cloudParametersSchema>
type DerivedKeys = 'stackName' | 'hostname' | 'instanceType' | 'os'
/** What a parameters file or flags give: keys with derived defaults may be left out. */
export type CloudParametersInput = Omit<SchemaInput, DerivedKeys> & Partial<Pick<SchemaInput, DerivedKeys>>

export const DEFAULT_PARAMS_FILE = 'mail-cloud.toml'

/** Values that depend on others (mail.<domain>, postmaster@<domain>) filled before validation. */
function withDerivedDefaults(raw: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { stackName: 'mail', instanceType: 't3.small', os: 'al2023', ...raw }
  if (typeof out.domain === 'string') {
    out.domain = out.domain.toLowerCase()
    out.hostname ??= `mail.${out.domain}`
  }
  if (typeof out.hostname === 'string') out.hostname = out.hostname.toLowerCase()
  return out
}

/** Validated parameters, or one MailError listing every problem by key. */
export function parseCloudParameters(raw: Record<string, unknown>, source = 'parameters'): CloudParameters {
  const result = cloudParametersSchema.safeParse(withDerivedDefaults(raw))
  if (result.success) return result.data
  const lines = result.error.issues.map(i => `  ${i.path.join('.') || '(root)'}: ${i.message}`)
  throw new MailError('syntax', `invalid cloud parameters in ${source}:\n${lines.join('\n')}`, {
    code: 'config_invalid',
  })
}

export interface LoadCloudParametersInput {
  /** TOML file named by --params; must exist. Without it, ./mail-cloud.toml is read when present. */
  file?: string
  cwd: string
  /** The environment (AWS_REGION / AWS_DEFAULT_REGION fill `region` when nothing else does). */
  env: Readonly<Record<string, string | undefined>>
  /** Flag values, strongest. */
  overrides?: Record<string, unknown>
}

/** flags > TOML file > AWS_REGION/AWS_DEFAULT_REGION (region only) > defaults. */
export function loadCloudParameters(input: LoadCloudParametersInput): CloudParameters {
  let fromFile: Record<string, unknown> = {}
  let source = 'flags'
  const named = input.file ? path.resolve(input.cwd, input.file) : undefined
  const fallback = path.resolve(input.cwd, DEFAULT_PARAMS_FILE)
  const file = named ?? (fs.existsSync(fallback) ? fallback : undefined)
  if (file) {
    let text: string
    try {
      text = fs.readFileSync(file, 'utf8')
    } catch (e) {
      throw new MailError('user', `cannot read cloud parameters ${file}: ${(e as Error).message}`, {
        code: 'config_invalid',
      })
    }
    try {
      fromFile = Bun.TOML.parse(text) as Record<string, unknown>
    } catch (e) {
      throw new MailError('syntax', `${file}: not valid TOML: ${(e as Error).message}`, { code: 'config_invalid' })
    }
    source = file
  }
  const region = input.env.AWS_REGION || input.env.AWS_DEFAULT_REGION
  const merged: Record<string, unknown> = { ...(region ? { region } : {}), ...fromFile }
  for (const [k, v] of Object.entries(input.overrides ?? {})) if (v !== undefined) merged[k] = v
  if (merged.region === undefined) merged.region = 'us-east-1'
  return parseCloudParameters(merged, source)
}

/** t4g, m7g, c7gn …: Graviton, so the arm64 build. */
export const instanceArchitecture = (instanceType: string): 'x86_64' | 'arm64' =>
  ARM_FAMILY.test(instanceType) ? 'arm64' : 'x86_64'

/** Public SSM parameters naming the latest AMI (resolved once, at stack creation). */
export function latestAmiParameter(p: Pick<CloudParameters, 'os' | 'instanceType'>): string {
  const arch = instanceArchitecture(p.instanceType)
  if (p.os === 'debian12') return `/aws/service/debian/release/12/latest/${arch === 'arm64' ? 'arm64' : 'amd64'}`
  return `/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-${arch}`
}

/** Derived names used by the stack, the user data and the deploy command. */
export function derivedNames(p: CloudParameters) {
  return {
    acmeEmail: p.acmeEmail ?? `postmaster@${p.domain}`,
    dmarcReports: p.dmarcReports ?? `postmaster@${p.domain}`,
    tlsRptEmail: p.tlsRptEmail ?? `tls-reports@${p.domain}`,
    binaryPath: `${p.install.dir}/${p.install.binaryName}`,
    releaseKey: `${p.deployPrefix}${p.install.binaryName}`,
  }
}
