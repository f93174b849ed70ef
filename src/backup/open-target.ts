// From a target string (`--to`, backup.target) to a BackupTarget: `s3://bucket/prefix` is S3 with
// the backup.s3 settings, anything else a directory (relative to the current directory).
import { resolve } from 'node:path'
import type { Config } from '../config/schema.ts'
import type { Clock } from '../core/clock.ts'
import { userError } from '../core/errors.ts'
import { createCredentialProvider } from '../delivery/ses/aws-credentials.ts'
import type { BackupTarget } from './backup-target.ts'
import { createDirectoryTarget } from './directory-target.ts'
import { createS3Target, parseS3Url } from './s3-target.ts'

export interface OpenTargetOptions {
  config: Config
  clock: Clock
  fetch?: typeof fetch
}

/** The target given, else backup.target; a usage error when neither names one. */
export function chooseTarget(given: string | undefined, config: Config): string {
  const target = given ?? config.backup.target
  if (!target)
    throw userError('no backup target: pass --to s3://bucket/prefix or --to <dir>, or set backup.target', {
      code: 'usage',
    })
  return target
}

export function openTarget(target: string, options: OpenTargetOptions): BackupTarget {
  if (target.startsWith('s3://')) {
    const location = parseS3Url(target)
    if (!location) throw userError(`not an S3 URL: ${target} (expected s3://bucket/prefix)`, { code: 'usage' })
    const s3 = options.config.backup.s3
    const ses = options.config.delivery.ses
    // Keys of their own, else the SES ones (where AWS_ACCESS_KEY_ID lands), else the instance role.
    const own = s3.accessKeyId !== ''
    const credentials = createCredentialProvider({
      accessKeyId: own ? s3.accessKeyId : ses.accessKeyId,
      secretAccessKey: own ? s3.secretAccessKey : ses.secretAccessKey,
      sessionToken: own ? s3.sessionToken : ses.sessionToken,
      imdsEndpoint: ses.imdsEndpoint,
      clock: options.clock,
      timeoutMs: 5000,
      fetch: options.fetch,
    })
    return createS3Target({
      ...location,
      region: s3.region || ses.region,
      endpoint: s3.endpoint,
      virtualHostedStyle: s3.virtualHostedStyle,
      credentials,
    })
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(target))
    throw userError(`unsupported backup target ${target}: use s3://bucket/prefix or a directory`, { code: 'usage' })
  return createDirectoryTarget(resolve(target))
}
