// Mailbox names ↔ mbox files in a directory, laid out as Thunderbird does: `INBOX`, `Sent`, and a
// mailbox's children in `<name>.sbd/` (`Lists/bun` → `Lists.sbd/bun`), so a mailbox can hold both
// messages and children. Plain directories are read as hierarchy levels too. In a name component,
// '%' and a leading '.' (hidden files) and a trailing `.sbd` are percent-encoded.
import { HIERARCHY_DELIMITER } from '../storage/index.ts'

const SBD = '.sbd'

function encodeComponent(part: string): string {
  let out = part.replaceAll('%', '%25')
  if (out.startsWith('.')) out = `%2e${out.slice(1)}`
  if (out.endsWith(SBD)) out = `${out.slice(0, -SBD.length)}%2esbd`
  return out
}

const decodeComponent = (part: string) =>
  part.replace(/%([0-9a-fA-F]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)))

/** Relative file path of a mailbox's mbox file. */
export function mboxPathForMailbox(name: string): string {
  const parts = name.split(HIERARCHY_DELIMITER).map(encodeComponent)
  return parts.map((p, i) => (i < parts.length - 1 ? `${p}${SBD}` : p)).join('/')
}

/** Mailbox name of a relative file path (directories with or without `.sbd`). */
export function mailboxForMboxPath(relative: string): string {
  const parts = relative.split('/').filter(p => p !== '')
  return parts
    .map((p, i) => (i < parts.length - 1 && p.endsWith(SBD) ? p.slice(0, -SBD.length) : p))
    .map(decodeComponent)
    .join(HIERARCHY_DELIMITER)
}

/** Files in a tree that are not mailboxes: hidden files and Thunderbird's .msf indexes. */
export const isMboxCandidate = (fileName: string) => !fileName.startsWith('.') && !fileName.endsWith('.msf')
