// The dashboard's counters: every counter and gauge of the metrics registry, summed over its label
// sets, read from the registry's own Prometheus text (format 0.0.4) so the panel needs no access
// to its internals and shows metrics added later without changes here.

export interface MetricTotal {
  name: string
  type: 'counter' | 'gauge'
  value: number
}

/** Index just past the label set that opens at `start` (`{`), honouring quoted values with escapes. */
function labelSetEnd(line: string, start: number): number {
  let quoted = false
  for (let i = start + 1; i < line.length; i++) {
    const ch = line[i]
    if (quoted) {
      if (ch === '\\') i++
      else if (ch === '"') quoted = false
    } else if (ch === '"') quoted = true
    else if (ch === '}') return i + 1
  }
  return -1
}

function sampleValue(text: string): number {
  if (text === '+Inf') return Number.POSITIVE_INFINITY
  if (text === '-Inf') return Number.NEGATIVE_INFINITY
  return text === '' ? Number.NaN : Number(text)
}

/** Totals per metric name, sorted by name; histograms and untyped samples are left out. */
export function metricTotals(exposition: string): MetricTotal[] {
  const types = new Map<string, string>()
  const totals = new Map<string, number>()
  for (const raw of exposition.split('\n')) {
    const line = raw.trim()
    if (line === '') continue
    if (line.startsWith('#')) {
      const typeLine = /^#\s*TYPE\s+(\S+)\s+(\S+)/.exec(line)
      if (typeLine?.[1] && typeLine[2]) types.set(typeLine[1], typeLine[2])
      continue
    }
    const name = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line)?.[0]
    if (!name) continue
    const type = types.get(name)
    if (type !== 'counter' && type !== 'gauge') continue
    let rest = line.slice(name.length)
    if (rest.startsWith('{')) {
      const end = labelSetEnd(rest, 0)
      if (end < 0) continue
      rest = rest.slice(end)
    }
    // Sample: value, then an optional timestamp. The format spells infinities +Inf and -Inf.
    const value = sampleValue(rest.trim().split(/\s+/)[0] ?? '')
    if (Number.isNaN(value)) continue
    totals.set(name, (totals.get(name) ?? 0) + value)
  }
  return [...totals]
    .map(([name, value]) => ({ name, type: types.get(name) as MetricTotal['type'], value }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
}
