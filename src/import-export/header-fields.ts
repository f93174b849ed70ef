// Single header fields read from the raw top-level header block without a MIME parser: imports
// and exports look at every message and need only these (RFC 5322 §3.6.4 Message-ID, §3.3 Date,
// §3.6.7 Return-Path).
import { headerBlock } from '../storage/envelope/parse-envelope.ts'

/** Unfolded value of the first `name` field of the top-level header block, or null. */
export function findHeaderField(message: Uint8Array, name: string): string | null {
  const head = headerBlock(message)
  const block = `\n${Buffer.from(head.buffer, head.byteOffset, head.byteLength).toString('latin1')}`
  const escaped = name.replace(/[-]/g, '\\-')
  const m = new RegExp(`\\n${escaped}[ \\t]*:([^\\n]*(?:\\n[ \\t][^\\n]*)*)`, 'i').exec(block)
  return m
    ? (m[1] as string)
        .replace(/\r?\n[ \t]+/g, ' ')
        .replace(/\r$/, '')
        .trim()
    : null
}

/** `<id@host>` from a field value; the trimmed value when it has no angle brackets; null if empty. */
export function normalizeMessageId(value: string | null | undefined): string | null {
  if (!value) return null
  const bracketed = /<[^<>\s]+>/.exec(value)
  const id = bracketed ? bracketed[0] : value.trim()
  return id === '' ? null : id
}

export const findMessageId = (message: Uint8Array): string | null =>
  normalizeMessageId(findHeaderField(message, 'message-id'))

/** The Date field as ms since the epoch, or null (used when a source has no internal date). */
export function findDateHeader(message: Uint8Array): number | null {
  const value = findHeaderField(message, 'date')
  if (value === null) return null
  const parsed = Date.parse(value.replace(/\([^)]*\)/g, '').trim())
  return Number.isFinite(parsed) ? parsed : null
}

/** The address in Return-Path (`<>` gives ''), or null when the field is absent. */
export function findReturnPath(message: Uint8Array): string | null {
  const value = findHeaderField(message, 'return-path')
  if (value === null) return null
  return /<([^<>]*)>/.exec(value)?.[1] ?? value
}
