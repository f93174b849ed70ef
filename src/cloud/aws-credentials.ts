// AWS credentials for the deploy commands, from the places the AWS CLI looks first: the
// environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN), then the shared
// credentials file (AWS_SHARED_CREDENTIALS_FILE or ~/.aws/credentials, profile AWS_PROFILE or
// "default"). SSO and instance roles are not supported: export temporary keys instead.
import fs from 'node:fs'
import path from 'node:path'
import { MailError } from '../core/errors.ts'

export interface AwsCredentials {
  accessKeyId: string
  secretAccessKey: string
  sessionToken?: string
}

type Env = Readonly<Record<string, string | undefined>>

/** `[profile]` sections of an INI file as maps of lower-cased keys. */
export function parseSharedCredentials(text: string): Map<string, Map<string, string>> {
  const sections = new Map<string, Map<string, string>>()
  let current: Map<string, string> | undefined
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim()
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue
    const header = /^\[\s*(?:profile\s+)?([^\]]+?)\s*\]$/.exec(line)
    if (header) {
      current = new Map()
      sections.set(header[1] as string, current)
      continue
    }
    const eq = line.indexOf('=')
    if (eq > 0 && current) current.set(line.slice(0, eq).trim().toLowerCase(), line.slice(eq + 1).trim())
  }
  return sections
}

export function resolveCredentials(env: Env, homeDir: string): AwsCredentials {
  if (env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY)
    return {
      accessKeyId: env.AWS_ACCESS_KEY_ID,
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
      ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
    }
  const file = env.AWS_SHARED_CREDENTIALS_FILE || path.join(homeDir, '.aws', 'credentials')
  const profile = env.AWS_PROFILE || 'default'
  let text: string | undefined
  try {
    text = fs.readFileSync(file, 'utf8')
  } catch {
    text = undefined
  }
  const section = text === undefined ? undefined : parseSharedCredentials(text).get(profile)
  const accessKeyId = section?.get('aws_access_key_id')
  const secretAccessKey = section?.get('aws_secret_access_key')
  if (accessKeyId && secretAccessKey) {
    const sessionToken = section?.get('aws_session_token')
    return { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) }
  }
  throw new MailError(
    'user',
    `no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or add profile "${profile}" to ${file}`,
    { code: 'aws_credentials' },
  )
}
