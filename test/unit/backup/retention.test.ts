// Which snapshots the retention policy removes (pure), and the scheduler's timing (pure).
import { describe, expect, test } from 'bun:test'
import { isSnapshotId, newSnapshotId, snapshotIdOfKey } from '../../../src/backup/backup-layout.ts'
import { nextBackupAt } from '../../../src/backup/backup-scheduler.ts'
import { selectExpired } from '../../../src/backup/retention.ts'
import { manualClock } from '../../../src/core/clock.ts'

const DAY = 86_400_000
const now = Date.UTC(2026, 5, 1)
const snaps = [0, 1, 2, 3, 10, 40].map(days => ({ id: `s${days}`, createdAt: now - days * DAY }))

describe('selectExpired', () => {
  test.each([
    ['no limits', { keep: 0, maxAgeDays: 0 }, []],
    ['keep 3', { keep: 3, maxAgeDays: 0 }, ['s3', 's10', 's40']],
    ['keep 1', { keep: 1, maxAgeDays: 0 }, ['s1', 's2', 's3', 's10', 's40']],
    ['max age 7 days', { keep: 0, maxAgeDays: 7 }, ['s10', 's40']],
    ['keep 5 or 30 days, whichever removes', { keep: 5, maxAgeDays: 30 }, ['s40']],
    ['keep 2 and 1 day', { keep: 2, maxAgeDays: 1 }, ['s2', 's3', 's10', 's40']],
  ])('%s', (_name, policy, expected) => {
    expect(selectExpired(snaps, policy, now)).toEqual(expected)
  })

  test('the newest survives even when everything is too old', () => {
    const old = [
      { id: 'a', createdAt: now - 100 * DAY },
      { id: 'b', createdAt: now - 90 * DAY },
    ]
    expect(selectExpired(old, { keep: 0, maxAgeDays: 7 }, now)).toEqual(['a'])
    expect(selectExpired([], { keep: 1, maxAgeDays: 1 }, now)).toEqual([])
  })

  test('input order does not matter', () => {
    expect(selectExpired([...snaps].reverse(), { keep: 3, maxAgeDays: 0 }, now)).toEqual(['s3', 's10', 's40'])
  })
})

describe('snapshot ids', () => {
  test('sortable by time, recognised in keys', () => {
    const clock = manualClock(Date.UTC(2026, 0, 28, 21, 52, 20, 123))
    const id = newSnapshotId(clock)
    expect(id).toMatch(/^20260128T215220Z-[0-9a-f]{4}$/)
    expect(isSnapshotId(id)).toBe(true)
    expect(isSnapshotId('../etc')).toBe(false)
    expect(snapshotIdOfKey(`snapshots/${id}/summary.json`)).toBe(id)
    expect(snapshotIdOfKey('objects/ab/abc')).toBeNull()
  })
})

describe('nextBackupAt', () => {
  const HOUR = 3_600_000
  test.each([
    ['never ran: after the start delay', null, now + 60_000],
    ['ran an hour ago, every 24 h: 23 h from now', now - HOUR, now + 23 * HOUR],
    ['overdue: after the start delay', now - 48 * HOUR, now + 60_000],
  ])('%s', (_name, last, expected) => {
    expect(nextBackupAt(last, 24 * HOUR, now, 60_000)).toBe(expected)
  })
})
