// iCalendar and vCard bodies for DAV interop tests (CRLF line ends, as clients send them).
export const crlf = (lines: string[]) => `${lines.join('\r\n')}\r\n`

export const BERLIN_VTIMEZONE = [
  'BEGIN:VTIMEZONE',
  'TZID:Europe/Berlin',
  'BEGIN:DAYLIGHT',
  'TZOFFSETFROM:+0100',
  'TZOFFSETTO:+0200',
  'TZNAME:CEST',
  'DTSTART:19700329T020000',
  'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU',
  'END:DAYLIGHT',
  'BEGIN:STANDARD',
  'TZOFFSETFROM:+0200',
  'TZOFFSETTO:+0100',
  'TZNAME:CET',
  'DTSTART:19701025T030000',
  'RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU',
  'END:STANDARD',
  'END:VTIMEZONE',
]

export function singleEvent(
  uid: string,
  summary: string,
  start = '20250301T100000Z',
  end = '20250301T110000Z',
): string {
  return crlf([
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//mail-server tests//EN',
    'BEGIN:VEVENT',
    `UID:${uid}`,
    'DTSTAMP:20250101T000000Z',
    `DTSTART:${start}`,
    `DTEND:${end}`,
    `SUMMARY:${summary}`,
    'END:VEVENT',
    'END:VCALENDAR',
  ])
}

/**
 * Weekly on Saturdays 10:00 Berlin time from 2025-03-01, 8 times; 2025-03-15 excluded, 2025-03-22
 * moved to 15:00. Instances after 2025-03-30 are in summer time (08:00 UTC).
 */
export function weeklyBerlinEvent(uid: string): string {
  return crlf([
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//mail-server tests//EN',
    ...BERLIN_VTIMEZONE,
    'BEGIN:VEVENT',
    `UID:${uid}`,
    'DTSTAMP:20250101T000000Z',
    'DTSTART;TZID=Europe/Berlin:20250301T100000',
    'DTEND;TZID=Europe/Berlin:20250301T110000',
    'RRULE:FREQ=WEEKLY;COUNT=8',
    'EXDATE;TZID=Europe/Berlin:20250315T100000',
    'SUMMARY:Weekly sync',
    'END:VEVENT',
    'BEGIN:VEVENT',
    `UID:${uid}`,
    'DTSTAMP:20250101T000000Z',
    'RECURRENCE-ID;TZID=Europe/Berlin:20250322T100000',
    'DTSTART;TZID=Europe/Berlin:20250322T150000',
    'DTEND;TZID=Europe/Berlin:20250322T160000',
    'SUMMARY:Weekly sync (moved)',
    'END:VEVENT',
    'END:VCALENDAR',
  ])
}

export function vcard3(uid: string, name: string, email: string): string {
  return crlf([
    'BEGIN:VCARD',
    'VERSION:3.0',
    `UID:${uid}`,
    `FN:${name}`,
    `N:${name.split(' ').reverse().join(';')};;;`,
    `EMAIL;TYPE=INTERNET:${email}`,
    'END:VCARD',
  ])
}

export function vcard4(uid: string, name: string, tel: string): string {
  return crlf([
    'BEGIN:VCARD',
    'VERSION:4.0',
    `UID:${uid}`,
    `FN:${name}`,
    `TEL;VALUE=uri;TYPE=cell:tel:${tel}`,
    'END:VCARD',
  ])
}
