// Shared by the mbsync and offlineimap round trips: a client's local Maildir read back and compared
// with the server's mailbox, message by message, by UID.
//
// What the clients themselves change in a message they store (and nothing else is tolerated):
// both write Maildir files with LF line ends (the server stores CRLF), and mbsync adds one
// `X-TUID:` header line (isync's tracking header; offlineimap adds `X-OfflineIMAP:` when it has
// to find an uploaded message without UIDPLUS, which this server has). normalize() undoes exactly
// those, on both sides, before the octets are compared.
import fs from 'node:fs'
import path from 'node:path'
import type { Storage } from '../../../../src/storage/index.ts'

export interface LocalMessage {
  /** Path of the file in cur/ or new/. */
  file: string
  uid: number | null
  /** IMAP system flags from the Maildir info (`:2,FS` → \Flagged \Seen). */
  flags: string[]
}

const INFO_FLAGS: Record<string, string> = {
  D: '\\Draft',
  F: '\\Flagged',
  R: '\\Answered',
  S: '\\Seen',
  T: '\\Deleted',
}

/** Every message of a Maildir folder (cur/ and new/). `uidOf` reads the client's UID from a file name. */
export function readMaildir(folder: string, uidOf: (name: string) => number | null): LocalMessage[] {
  const out: LocalMessage[] = []
  for (const sub of ['cur', 'new']) {
    const dir = path.join(folder, sub)
    if (!fs.existsSync(dir)) continue
    for (const name of fs.readdirSync(dir)) {
      const info = name.includes(':2,') ? (name.split(':2,')[1] ?? '') : ''
      const flags = [...info].map(c => INFO_FLAGS[c]).filter((f): f is string => f !== undefined)
      out.push({ file: path.join(dir, name), uid: uidOf(name), flags: flags.sort() })
    }
  }
  return out
}

/** `...,U=123:2,S`: offlineimap writes the server's UID into the name. */
export const uidFromName = (name: string): number | null => {
  const m = /,U=(\d+)/.exec(name)
  return m === null ? null : Number(m[1])
}

/**
 * mbsync's U= is its own Maildir UID; the pairs (server UID, Maildir UID) are in the folder's
 * .mbsyncstate, one `far near flags` line each after the header lines.
 */
export function mbsyncUids(folder: string): (name: string) => number | null {
  const state = fs.readFileSync(path.join(folder, '.mbsyncstate'), 'utf8')
  const farOf = new Map<number, number>()
  for (const line of state.split('\n')) {
    const m = /^(\d+) (\d+)(?: |$)/.exec(line)
    if (m !== null && Number(m[1]) > 0 && Number(m[2]) > 0) farOf.set(Number(m[2]), Number(m[1]))
  }
  return name => {
    const near = uidFromName(name)
    return near === null ? null : (farOf.get(near) ?? null)
  }
}

/** The octets with the clients' own changes undone: CRLF line ends, no X-TUID / X-OfflineIMAP line. */
export function normalize(bytes: Uint8Array): string {
  return Buffer.from(bytes)
    .toString('latin1')
    .replace(/\r\n/g, '\n')
    .replace(/^X-(TUID|OfflineIMAP): [^\n]*\n/gim, '')
}

export interface Comparison {
  /** UIDs on the server without a local copy, and local files without a server message. */
  missingLocally: number[]
  missingOnServer: string[]
  /** UIDs whose octets differ after normalize(). */
  contentDiffers: number[]
  /** UIDs whose flags differ: `uid: server vs local`. */
  flagsDiffer: string[]
  count: { server: number; local: number }
}

/** Compare a local Maildir folder with a server mailbox. */
export async function compareWithServer(
  storage: Storage,
  mailboxId: number,
  local: readonly LocalMessage[],
): Promise<Comparison> {
  const records = await storage.messages.list(mailboxId)
  const byUid = new Map(local.filter(m => m.uid !== null).map(m => [m.uid as number, m]))
  const result: Comparison = {
    missingLocally: [],
    missingOnServer: local.filter(m => m.uid === null || !records.some(r => r.uid === m.uid)).map(m => m.file),
    contentDiffers: [],
    flagsDiffer: [],
    count: { server: records.length, local: local.length },
  }
  for (const record of records) {
    const copy = byUid.get(record.uid)
    if (copy === undefined) {
      result.missingLocally.push(record.uid)
      continue
    }
    const stored = await storage.messages.readBytes(mailboxId, record.uid)
    if (stored === null || normalize(stored) !== normalize(fs.readFileSync(copy.file))) {
      result.contentDiffers.push(record.uid)
    }
    const serverFlags = [...record.flags].sort()
    if (serverFlags.join(' ') !== copy.flags.join(' ')) {
      result.flagsDiffer.push(`${record.uid}: ${serverFlags.join(' ')} vs ${copy.flags.join(' ')}`)
    }
  }
  return result
}

/** The expected outcome of compareWithServer for `count` messages on each side. */
export const inSync = (count: number): Comparison => ({
  missingLocally: [],
  missingOnServer: [],
  contentDiffers: [],
  flagsDiffer: [],
  count: { server: count, local: count },
})

/** Set a local message's Maildir flags (rename within its folder; cur/ as a client would). */
export function setLocalFlags(message: LocalMessage, letters: string): void {
  const name = path.basename(message.file).split(':2,')[0] as string
  const target = path.join(path.dirname(path.dirname(message.file)), 'cur', `${name}:2,${[...letters].sort().join('')}`)
  fs.renameSync(message.file, target)
}

/** A new local message, as a mail client delivering into the Maildir would write it (LF line ends). */
export function writeLocalMessage(folder: string, unique: string, content: string, letters = ''): void {
  const sub = letters === '' ? 'new' : 'cur'
  const name = letters === '' ? unique : `${unique}:2,${letters}`
  fs.writeFileSync(path.join(folder, sub, name), content.replace(/\r\n/g, '\n'))
}

/** Run a client to completion without blocking the server's event loop (it runs in this process). */
export async function runClient(
  argv: string[],
  options: { cwd?: string; env?: Record<string, string>; timeoutMs?: number } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const proc = Bun.spawn(argv, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdout: 'pipe',
    stderr: 'pipe',
  })
  const killer = setTimeout(() => proc.kill(), options.timeoutMs ?? 25_000) // hang guard only
  const [stdout, stderr, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ])
  clearTimeout(killer)
  return { code, stdout, stderr }
}
