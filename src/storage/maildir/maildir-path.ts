// Where things live on disk (DESIGN.md "Storage contract"):
//
//   <dataDir>/maildir/<domain>/<local>/        the account's Maildir; INBOX is its cur/ new/ tmp/
//   <dataDir>/maildir/<domain>/<local>/.Sent/  a Maildir++ folder per other mailbox
//
// Mailbox name → folder (Maildir++, as Courier and Dovecot lay it out):
//   - INBOX is the root (folder '');
//   - the hierarchy delimiter '/' becomes '.', so `Parent/Child` is `.Parent.Child`;
//   - each name component is written in IMAP modified UTF-7 (`Entwürfe` → `.Entw&APw-rfe`);
//   - characters that would break the mapping are escaped as '\' + two lower-case hex digits,
//     the escape of Dovecot's listescape plugin: '.' → `\2e`, '\' → `\5c` (`a.b` → `.a\2eb`).
// Every folder holds an empty `maildirfolder` file (Maildir++ spec).
//
// The domain is in normal form (punycode, LDH only), so it is a safe directory name. A local part
// may contain '/' (RFC 5322 atext) and '%', which are percent-encoded; everything else stays.
import { join } from 'node:path'
import { decodeModifiedUtf7, encodeModifiedUtf7 } from './modified-utf7.ts'

export const INBOX = 'INBOX'
export const HIERARCHY_DELIMITER = '/'

/** `<dataDir>/maildir`, the root of every account's Maildir. */
export const maildirRoot = (dataDir: string) => join(dataDir, 'maildir')

/** The account's Maildir directory for a normalised address. */
export function accountMaildirPath(dataDir: string, domain: string, local: string): string {
  return join(maildirRoot(dataDir), domain, encodeLocalPart(local))
}

export function encodeLocalPart(local: string): string {
  const encoded = local.replace(/[%/\\\0]/g, ch => `%${ch.charCodeAt(0).toString(16).padStart(2, '0')}`)
  // '.' and '..' cannot be dot-atoms, but guard the path anyway.
  return encoded === '.' || encoded === '..' ? encoded.replaceAll('.', '%2e') : encoded
}

/** Maildir++ folder ('' for INBOX) for a validated mailbox name. */
export function folderForMailbox(name: string): string {
  if (name === INBOX) return ''
  return `.${name
    .split(HIERARCHY_DELIMITER)
    .map(part => encodeModifiedUtf7(part).replace(/[\\.]/g, ch => `\\${ch.charCodeAt(0).toString(16)}`))
    .join('.')}`
}

/** Mailbox name for a Maildir++ folder, or null when the folder name cannot be decoded. */
export function mailboxForFolder(folder: string): string | null {
  if (folder === '') return INBOX
  if (!folder.startsWith('.') || folder.length < 2) return null
  const parts: string[] = []
  for (const raw of folder.slice(1).split('.')) {
    if (raw === '') return null
    const unescaped = raw.replace(/\\([0-9a-f]{2})/gi, (_, hex: string) =>
      String.fromCharCode(Number.parseInt(hex, 16)),
    )
    const decoded = decodeModifiedUtf7(unescaped)
    if (decoded === null || decoded === '' || decoded.includes(HIERARCHY_DELIMITER)) return null
    parts.push(decoded)
  }
  return parts.join(HIERARCHY_DELIMITER)
}

/** Absolute directory of a folder inside an account's Maildir. */
export const folderPath = (accountDir: string, folder: string) =>
  folder === '' ? accountDir : join(accountDir, folder)
