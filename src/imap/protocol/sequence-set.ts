// Sequence sets (RFC 9051 §9 `sequence-set`): `1:5,7,*,10:*,3:1`. A range may be written in
// either order ("3:1" is "1:3"), and "*" is the largest number in use (RFC 9051 §9, seq-number).
// `$` is the result saved by SEARCH RETURN (SAVE) (RFC 5182 §2); the session substitutes it.
import { type ParseResult, parseFailure, parsed } from './parse-result.ts'

export type SeqNumber = number | '*'

export interface SequenceRange {
  from: SeqNumber
  /** Equal to `from` for a single number. */
  to: SeqNumber
}

export type SequenceSet = { kind: 'set'; ranges: SequenceRange[] } | { kind: 'saved' }

/** nz-number is a 32-bit unsigned value (RFC 9051 §9 `nz-number`). */
export const MAX_SEQUENCE_NUMBER = 4_294_967_295

export interface SequenceSetOptions {
  /** Accept `$` (RFC 5182). */
  allowSaved?: boolean
  /** Accept `*` (not in QRESYNC known-uids, RFC 7162 §3.2.5). */
  allowStar?: boolean
}

const NZ_NUMBER = /^[1-9][0-9]*$/

export function parseSequenceSet(text: string, options: SequenceSetOptions = {}): ParseResult<SequenceSet> {
  const { allowSaved = true, allowStar = true } = options
  if (text === '$')
    return allowSaved ? parsed({ kind: 'saved' }) : parseFailure('Saved search result ($) not allowed here')
  if (text === '') return parseFailure('Missing sequence set')
  const ranges: SequenceRange[] = []
  for (const item of text.split(',')) {
    const parts = item.split(':')
    if (parts.length > 2) return parseFailure(`Invalid sequence set "${text}": "${item}" is not a range`)
    const numbers: SeqNumber[] = []
    for (const part of parts) {
      const value = parseSeqNumber(part, allowStar)
      if (typeof value === 'string') return parseFailure(`Invalid sequence set "${text}": ${value}`)
      numbers.push(value.n)
    }
    const [from, to = from] = numbers as [SeqNumber, SeqNumber?]
    ranges.push({ from, to })
  }
  return parsed({ kind: 'set', ranges })
}

function parseSeqNumber(part: string, allowStar: boolean): { n: SeqNumber } | string {
  if (part === '*') return allowStar ? { n: '*' } : '"*" not allowed here'
  if (part === '') return 'empty number'
  if (!NZ_NUMBER.test(part))
    return part === '0' ? '0 is not a valid number (numbers start at 1)' : `"${part}" is not a number`
  const n = Number(part)
  if (n > MAX_SEQUENCE_NUMBER) return `${part} is larger than ${MAX_SEQUENCE_NUMBER}`
  return { n }
}

/** The set as sorted, merged [low, high] intervals, with "*" standing for `max`. */
export function normalizeSequenceSet(ranges: readonly SequenceRange[], max: number): Array<[number, number]> {
  const intervals = ranges.map(({ from, to }): [number, number] => {
    const a = from === '*' ? max : from
    const b = to === '*' ? max : to
    return a <= b ? [a, b] : [b, a]
  })
  intervals.sort((x, y) => x[0] - y[0])
  const merged: Array<[number, number]> = []
  for (const interval of intervals) {
    const last = merged[merged.length - 1]
    if (last !== undefined && interval[0] <= last[1] + 1) last[1] = Math.max(last[1], interval[1])
    else merged.push([interval[0], interval[1]])
  }
  return merged
}

/** Whether `value` is in the set, "*" being `max` (the message count, or the highest UID). */
export function sequenceSetIncludes(ranges: readonly SequenceRange[], value: number, max: number): boolean {
  return ranges.some(({ from, to }) => {
    const a = from === '*' ? max : from
    const b = to === '*' ? max : to
    return value >= Math.min(a, b) && value <= Math.max(a, b)
  })
}

/** Message sequence numbers in the set, ascending, limited to 1..max (`max` = messages in the mailbox). */
export function expandSequenceSet(ranges: readonly SequenceRange[], max: number): number[] {
  const out: number[] = []
  for (const [low, high] of normalizeSequenceSet(ranges, max)) {
    for (let n = Math.max(1, low); n <= Math.min(high, max); n++) out.push(n)
  }
  return out
}

/**
 * The UIDs of `uids` (ascending, as in the mailbox) that are in the set. "*" is the highest UID,
 * so `559:*` includes the last message even when 559 is above every UID (RFC 9051 §6.4.9).
 */
export function filterUidsInSet(ranges: readonly SequenceRange[], uids: ArrayLike<number>): number[] {
  const max = uids.length > 0 ? (uids[uids.length - 1] as number) : 0
  const intervals = normalizeSequenceSet(ranges, max)
  const out: number[] = []
  let i = 0
  for (let k = 0; k < uids.length; k++) {
    const uid = uids[k] as number
    while (i < intervals.length && (intervals[i] as [number, number])[1] < uid) i++
    if (i === intervals.length) break
    if (uid >= (intervals[i] as [number, number])[0]) out.push(uid)
  }
  return out
}

/**
 * False when the set names a message sequence number above `messageCount`, or "*" in an empty
 * mailbox: RFC 9051 §9 (seq-number) asks for a tagged BAD then.
 */
export function isSequenceSetInRange(ranges: readonly SequenceRange[], messageCount: number): boolean {
  return ranges.every(({ from, to }) => [from, to].every(n => (n === '*' ? messageCount > 0 : n <= messageCount)))
}

/** The set as written on the wire (ranges kept as given). */
export function formatSequenceSet(set: SequenceSet): string {
  if (set.kind === 'saved') return '$'
  return set.ranges.map(({ from, to }) => (from === to ? `${from}` : `${from}:${to}`)).join(',')
}

/** Numbers (any order, duplicates allowed) as a compact set: [1,2,3,5] → "1:3,5" (COPYUID, VANISHED). */
export function formatNumbersAsSequenceSet(values: readonly number[]): string {
  const sorted = [...new Set(values)].sort((a, b) => a - b)
  const parts: string[] = []
  let i = 0
  while (i < sorted.length) {
    const start = sorted[i] as number
    let end = start
    while (i + 1 < sorted.length && sorted[i + 1] === end + 1) end = sorted[++i] as number
    parts.push(start === end ? `${start}` : `${start}:${end}`)
    i++
  }
  return parts.join(',')
}
