// Who gets which delivery status notification (RFC 3461 §4.1 NOTIFY, §6.2; RFC 5321 §4.5.5).
import type { DsnNotifyValue } from '../queue/queue-rows.ts'

export type DsnEvent = 'failure' | 'delay' | 'success'

/**
 * True when `event` for a recipient with this NOTIFY calls for a DSN to `sender`.
 *   - never to the null reverse-path `<>` (RFC 5321 §4.5.5: that is how bounce loops are avoided);
 *   - NOTIFY=NEVER: none; an explicit list: only the events it names;
 *   - no NOTIFY: failures and delays (RFC 3461 §4.1 lets the MTA choose "FAILURE" or
 *     "FAILURE,DELAY"; a delay warning after hours is what senders expect), no success reports.
 */
export function wantsDsn(sender: string, notify: readonly DsnNotifyValue[] | null, event: DsnEvent): boolean {
  if (sender === '') return false
  if (notify === null) return event !== 'success'
  if (notify.includes('NEVER')) return false
  return notify.includes(event === 'failure' ? 'FAILURE' : event === 'delay' ? 'DELAY' : 'SUCCESS')
}
