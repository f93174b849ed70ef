// The mbox separator line (RFC 4155 §2): `From <envelope sender> <timestamp>`, the timestamp in
// asctime form (`Thu Jan  1 00:00:00 2026`) and UTC. Writers vary: some add a zone before the
// year or after the time, some omit seconds, some write `-` or nothing as the sender. We read what
// the common ones write and always write the RFC 4155 form.

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat']

// `Mon Jan  1 00:00[:00] [zone] 2026 [zone]`; the weekday is optional, comma tolerated.
const ASCTIME =
  /(?:[A-Za-z]{3},?\s+)?([A-Za-z]{3})\s+(\d{1,2})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\s+([+-]\d{4}|[A-Z]{1,5}))?\s+(\d{4})(?:\s+([+-]\d{4}))?/

export interface FromLine {
  /** Envelope sender as written ('' when absent). */
  sender: string
  /** The timestamp in ms, or null when it cannot be read. */
  date: number | null
}

/** True for a line that starts with the 5 bytes `From `. */
export function startsWithFrom(line: Uint8Array): boolean {
  return line[0] === 0x46 && line[1] === 0x72 && line[2] === 0x6f && line[3] === 0x6d && line[4] === 0x20
}

/**
 * Does the text after `From ` look like a separator (a time of day is in it)? Used to tell a real
 * separator from a body line an mboxo writer left unquoted, when no blank line precedes it.
 */
export function looksLikeFromLine(text: string): boolean {
  return /^From \S*\s.*\d{1,2}:\d{2}/.test(text)
}

export function parseFromLine(text: string): FromLine {
  const rest = text.startsWith('From ') ? text.slice(5).replace(/\r$/, '') : text
  const space = rest.search(/\s/)
  const sender = space < 0 ? rest : rest.slice(0, space)
  const m = ASCTIME.exec(space < 0 ? '' : rest.slice(space))
  if (!m) return { sender, date: null }
  const month = MONTHS.findIndex(name => name.toLowerCase() === (m[1] as string).toLowerCase())
  if (month < 0) return { sender, date: null }
  const utc = Date.UTC(Number(m[7]), month, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5] ?? 0))
  // RFC 4155 says UTC; a numeric zone, where a writer added one, is honoured.
  const zone = /^[+-]\d{4}$/.test(m[6] ?? '') ? m[6] : m[8]
  const offset = zone ? (zone[0] === '-' ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(3, 5))) : 0
  const date = utc - offset * 60_000
  return { sender, date: Number.isFinite(date) ? date : null }
}

/** `From <sender> <asctime UTC>`; a sender with spaces or none becomes MAILER-DAEMON. */
export function formatFromLine(sender: string, date: number): string {
  const who = sender === '' || /[\s]/.test(sender) ? 'MAILER-DAEMON' : sender
  const d = new Date(date)
  const pad = (n: number) => String(n).padStart(2, '0')
  const day = String(d.getUTCDate()).padStart(2, ' ')
  const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`
  return `From ${who} ${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${day} ${time} ${d.getUTCFullYear()}`
}
