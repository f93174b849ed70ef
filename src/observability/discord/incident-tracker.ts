// De-duplication of health alerts: one message when a condition starts (an incident), one more if
// it gets worse (warning → critical), one "resolved" message when it clears, and silence in
// between, however many checks see the same condition. An incident that eases from critical back
// to warning stays open at critical (no message), so a value flapping around the critical line
// does not post on every check.

export type AlertLevel = 'ok' | 'warning' | 'critical'
export type IncidentChange = 'opened' | 'escalated' | 'resolved'

const RANK: Record<AlertLevel, number> = { ok: 0, warning: 1, critical: 2 }

export class IncidentTracker<K extends string> {
  private readonly open = new Map<K, Exclude<AlertLevel, 'ok'>>()

  /** Feed the level a check found; returns what changed, or null when nothing is worth a message. */
  update(kind: K, level: AlertLevel): IncidentChange | null {
    const current = this.open.get(kind)
    if (level === 'ok') {
      if (current === undefined) return null
      this.open.delete(kind)
      return 'resolved'
    }
    if (current === undefined) {
      this.open.set(kind, level)
      return 'opened'
    }
    if (RANK[level] > RANK[current]) {
      this.open.set(kind, level)
      return 'escalated'
    }
    return null
  }

  /** Level of the open incident of `kind` ('ok' when none). */
  level(kind: K): AlertLevel {
    return this.open.get(kind) ?? 'ok'
  }

  openKinds(): K[] {
    return [...this.open.keys()]
  }
}
