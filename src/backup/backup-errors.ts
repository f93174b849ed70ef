// Typed errors of backup and restore (mapped to CLI exit codes and API statuses like any MailError).
import { MailError } from '../core/errors.ts'

export const objectMissing = (url: string, key: string) =>
  new MailError('user', `${url}/${key} does not exist`, { code: 'backup_object_missing', http: 404 })

export const targetFailed = (url: string, what: string, cause: unknown) =>
  new MailError(
    'temporary',
    `${url}: ${what} failed: ${cause instanceof Error ? cause.message : String(cause)}`,
    { code: 'backup_target_failed', http: 502 },
    { cause },
  )

export const backupCorrupt = (why: string) =>
  new MailError('user', `backup is damaged: ${why}`, { code: 'backup_corrupt' })

export const unknownSnapshot = (id: string, url: string) =>
  new MailError('user', `no backup ${id} in ${url} (see \`backup list\`)`, { code: 'not_found', http: 404 })
