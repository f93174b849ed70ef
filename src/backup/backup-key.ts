// The backup key (issue 9 §3: optional AES-256-GCM encryption). It is 32 random bytes, given as 64
// hex digits or base64 in `backup.encryptionKey` (environment: MAIL_BACKUP_ENCRYPTION_KEY) or in a
// file named by `backup.encryptionKeyFile` (e.g. /etc/mail/backup.key, mode 0600). `mail-server
// backup keygen` prints a new one. Without it no encrypted backup can be restored: keep a copy
// away from the server.
//
// Three values are derived with HKDF-SHA256 (RFC 5869), so the key itself is used for nothing else:
//   data  the AES-256-GCM key of every encrypted object (stream-cipher.ts);
//   names the HMAC-SHA256 key that names encrypted message objects, so equal file names in the
//         bucket do not reveal that two backups (or two servers) hold the same message text;
//   id    16 hex digits stored in manifests, so restore can say "wrong key" before decrypting.
import { createHmac, hkdfSync, randomBytes } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { userError } from '../core/errors.ts'

export interface BackupKeys {
  /** Public fingerprint of the key (16 hex digits). */
  id: string
  data: Uint8Array
  names: Uint8Array
}

export interface BackupKeySettings {
  encryptionKey: string
  encryptionKeyFile: string
}

const SALT = 'mail-server backup v1'

const derive = (master: Uint8Array, info: string, length: number) =>
  new Uint8Array(hkdfSync('sha256', master, SALT, info, length))

/** 32 bytes from 64 hex digits or base64; throws a user error naming what was wrong (never the value). */
export function parseBackupKey(text: string, source: string): Uint8Array {
  const value = text.trim()
  let bytes: Uint8Array | null = null
  if (/^[0-9a-fA-F]{64}$/.test(value)) bytes = new Uint8Array(Buffer.from(value, 'hex'))
  else if (/^[A-Za-z0-9+/]{43}=$/.test(value)) bytes = new Uint8Array(Buffer.from(value, 'base64'))
  if (bytes?.length !== 32)
    throw userError(`${source} is not a backup key: expected 32 bytes as 64 hex digits or base64`, {
      code: 'invalid_backup_key',
    })
  return bytes
}

export function deriveBackupKeys(master: Uint8Array): BackupKeys {
  return {
    id: Buffer.from(derive(master, 'key id', 8)).toString('hex'),
    data: derive(master, 'data', 32),
    names: derive(master, 'names', 32),
  }
}

/** The configured key, or null when none is configured. */
export async function loadBackupKeys(settings: BackupKeySettings): Promise<BackupKeys | null> {
  if (settings.encryptionKey !== '')
    return deriveBackupKeys(parseBackupKey(settings.encryptionKey, 'backup.encryptionKey'))
  if (settings.encryptionKeyFile === '') return null
  let text: string
  try {
    text = await readFile(settings.encryptionKeyFile, 'utf8')
  } catch (e) {
    throw userError(`cannot read backup.encryptionKeyFile ${settings.encryptionKeyFile}: ${(e as Error).message}`, {
      code: 'invalid_backup_key',
    })
  }
  return deriveBackupKeys(parseBackupKey(text, settings.encryptionKeyFile))
}

/** A new key as 64 hex digits. */
export const generateBackupKey = () => randomBytes(32).toString('hex')

/** Name of an encrypted message object: HMAC of its plaintext SHA-256 (see the header). */
export const encryptedObjectName = (keys: BackupKeys, sha256: string) =>
  createHmac('sha256', keys.names).update(sha256).digest('hex')
