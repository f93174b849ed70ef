// S3 uploads, copies and presigned downloads for releases. AWS endpoints are addressed
// virtual-hosted style (<bucket>.s3.<region>.amazonaws.com); overridden endpoints path-style,
// as S3-compatible servers expect.
import type { AwsContext } from './aws-context.ts'
import { isAwsEndpoint } from './aws-endpoints.ts'
import { awsSigner } from './aws-context.ts'
import { throwIfFailed } from './aws-error.ts'

const encodeKey = (key: string) => key.split('/').map(encodeURIComponent).join('/')

export function objectUrl(ctx: AwsContext, bucket: string, key: string): string {
  const base = ctx.endpoints.s3
  // Dotted bucket names do not match the wildcard certificate, so they stay path-style.
  if (isAwsEndpoint(base) && !bucket.includes('.'))
    return `https://${bucket}.s3.${ctx.region}.amazonaws.com/${encodeKey(key)}`
  return `${base}/${bucket}/${encodeKey(key)}`
}

export interface PutResult {
  etag?: string
  versionId?: string
}

/** PUT with the payload's SHA-256 signed (x-amz-content-sha256), so S3 rejects a corrupted upload. */
export async function putObject(
  ctx: AwsContext,
  bucket: string,
  key: string,
  body: Uint8Array,
  sha256Hex: string,
): Promise<PutResult> {
  const res = await awsSigner(ctx, 's3').fetch(objectUrl(ctx, bucket, key), {
    method: 'PUT',
    headers: {
      'content-type': 'application/octet-stream',
      'x-amz-content-sha256': sha256Hex,
      'content-length': String(body.byteLength),
    },
    body,
  })
  await throwIfFailed('s3', 'PutObject', res)
  return { etag: res.headers.get('etag') ?? undefined, versionId: res.headers.get('x-amz-version-id') ?? undefined }
}

/** Server-side copy (promotes a release that passed its health check to the "current" key). */
export async function copyObject(ctx: AwsContext, bucket: string, fromKey: string, toKey: string): Promise<void> {
  const res = await awsSigner(ctx, 's3').fetch(objectUrl(ctx, bucket, toKey), {
    method: 'PUT',
    headers: { 'x-amz-copy-source': `/${bucket}/${encodeKey(fromKey)}` },
  })
  await throwIfFailed('s3', 'CopyObject', res)
  // S3 can answer 200 with an <Error> body when a copy fails midway.
  const text = await res.text()
  if (text.includes('<Error>')) await throwIfFailed('s3', 'CopyObject', new Response(text, { status: 500 }))
}

/** A GET URL valid for `expiresSeconds`, so the instance downloads without S3 permissions of its own. */
export async function presignGet(
  ctx: AwsContext,
  bucket: string,
  key: string,
  expiresSeconds: number,
  versionId?: string,
): Promise<string> {
  const url = new URL(objectUrl(ctx, bucket, key))
  if (versionId) url.searchParams.set('versionId', versionId)
  url.searchParams.set('X-Amz-Expires', String(expiresSeconds))
  const signed = await awsSigner(ctx, 's3').sign(url.toString(), { method: 'GET', aws: { signQuery: true } })
  return signed.url
}
