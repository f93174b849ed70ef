// An S3 bucket (or an S3-compatible store: MinIO, R2, s3rver) as backup target, through Bun's
// built-in S3Client. Keys live under the URL's prefix: s3://bucket/prefix/objects/…
//
// Credentials, in order: backup.s3.accessKeyId/secretAccessKey/sessionToken; the SES credentials
// (delivery.ses.*, which AWS_ACCESS_KEY_ID and friends set); the EC2 instance role via IMDSv2
// (delivery/ses/aws-credentials.ts, shared). Role credentials expire, so a client is made per
// credential set and replaced when the provider hands out new ones.
//
// Large objects (the database snapshot) are uploaded in multipart parts of PART_BYTES: the stream
// is cut into whole parts here and each is flushed before the next is read, so memory holds about
// QUEUE parts whatever the object size (Bun's writer otherwise buffers without bound).
import type { S3Client } from 'bun'
import type { CredentialProvider } from '../delivery/ses/aws-credentials.ts'
import type { BackupTarget, StoredObject } from './backup-target.ts'
import { objectMissing, targetFailed } from './backup-errors.ts'

/** S3's smallest part is 5 MiB (all but the last). */
const PART_BYTES = 8 * 1024 * 1024
const QUEUE = 2

export interface S3Location {
  bucket: string
  /** Without leading or trailing '/'; '' for the bucket root. */
  prefix: string
}

export interface S3TargetOptions extends S3Location {
  region: string
  endpoint: string
  virtualHostedStyle: boolean
  credentials: CredentialProvider
}

/** `s3://bucket[/prefix]` → bucket and prefix; null when the text is not an s3:// URL. */
export function parseS3Url(text: string): S3Location | null {
  const m = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(text)
  if (!m) return null
  return { bucket: m[1] as string, prefix: (m[2] ?? '').replace(/^\/+|\/+$/g, '') }
}

const isMissing = (e: unknown) => {
  const code = (e as { code?: string; name?: string })?.code ?? (e as { name?: string })?.name
  return code === 'NoSuchKey' || code === 'ENOENT' || /NoSuchKey|not found|404/i.test(String((e as Error)?.message))
}

export function createS3Target(options: S3TargetOptions): BackupTarget {
  const url = `s3://${options.bucket}${options.prefix ? `/${options.prefix}` : ''}`
  const full = (key: string) => (options.prefix ? `${options.prefix}/${key}` : key)
  let cached: { accessKeyId: string; sessionToken?: string; client: S3Client } | null = null

  const client = async (): Promise<S3Client> => {
    let creds: Awaited<ReturnType<CredentialProvider['get']>>
    try {
      creds = await options.credentials.get()
    } catch (e) {
      throw targetFailed(url, 'getting credentials', e)
    }
    if (cached && cached.accessKeyId === creds.accessKeyId && cached.sessionToken === creds.sessionToken)
      return cached.client
    const made = new Bun.S3Client({
      bucket: options.bucket,
      region: options.region,
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      virtualHostedStyle: options.virtualHostedStyle,
      accessKeyId: creds.accessKeyId,
      secretAccessKey: creds.secretAccessKey,
      ...(creds.sessionToken ? { sessionToken: creds.sessionToken } : {}),
    })
    cached = { accessKeyId: creds.accessKeyId, sessionToken: creds.sessionToken, client: made }
    return made
  }

  const call = async <T>(run: (c: S3Client) => Promise<T>): Promise<T> => {
    const c = await client()
    try {
      return await run(c)
    } catch (e) {
      // Expired or revoked role credentials: take fresh ones next time.
      if (/ExpiredToken|InvalidAccessKeyId|AccessDenied/.test(String((e as Error)?.message))) {
        options.credentials.invalidate()
        cached = null
      }
      throw e
    }
  }

  return {
    url,
    async put(key, data) {
      await call(c => c.write(full(key), data)).catch(e => {
        throw targetFailed(url, `upload of ${key}`, e)
      })
    },
    async putStream(key, data) {
      try {
        return await call(async c => {
          const writer = c.file(full(key)).writer({ partSize: PART_BYTES, queueSize: QUEUE, retry: 3 })
          let size = 0
          let part: Uint8Array[] = []
          let partBytes = 0
          const flushPart = async (bytes: Uint8Array) => {
            writer.write(bytes)
            await writer.flush()
          }
          try {
            for await (const chunk of data as unknown as AsyncIterable<Uint8Array>) {
              size += chunk.length
              part.push(chunk)
              partBytes += chunk.length
              while (partBytes >= PART_BYTES) {
                const all = Buffer.concat(part)
                await flushPart(all.subarray(0, PART_BYTES))
                part = [all.subarray(PART_BYTES)]
                partBytes = all.length - PART_BYTES
              }
            }
            if (partBytes > 0) writer.write(Buffer.concat(part))
            await writer.end()
          } catch (e) {
            await Promise.resolve(writer.end(e as Error)).catch(() => {})
            throw e
          }
          return size
        })
      } catch (e) {
        throw targetFailed(url, `upload of ${key}`, e)
      }
    },
    async get(key) {
      try {
        return await call(c => c.file(full(key)).bytes())
      } catch (e) {
        if (isMissing(e)) return null
        throw targetFailed(url, `download of ${key}`, e)
      }
    },
    async getStream(key) {
      const c = await client()
      const file = c.file(full(key))
      // stream() fails only when read; ask first so a missing object is a clear error.
      const exists = await file.exists().catch(e => {
        throw targetFailed(url, `download of ${key}`, e)
      })
      if (!exists) throw objectMissing(url, key)
      return file.stream()
    },
    async *list(prefix) {
      let continuationToken: string | undefined
      do {
        const page = await call(c =>
          c.list({ prefix: full(prefix), ...(continuationToken ? { continuationToken } : {}), maxKeys: 1000 }),
        ).catch(e => {
          throw targetFailed(url, `listing ${prefix}`, e)
        })
        for (const item of page.contents ?? []) {
          const key = options.prefix ? item.key.slice(options.prefix.length + 1) : item.key
          const lastModified = item.lastModified ? Date.parse(String(item.lastModified)) : 0
          yield { key, size: item.size ?? 0, lastModified } satisfies StoredObject
        }
        continuationToken = page.isTruncated ? page.nextContinuationToken : undefined
      } while (continuationToken)
    },
    async delete(key) {
      await call(c => c.delete(full(key))).catch(e => {
        throw targetFailed(url, `delete of ${key}`, e)
      })
    },
    async sync() {},
  }
}
