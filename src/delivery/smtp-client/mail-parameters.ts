// The MAIL FROM and RCPT TO lines for one transaction, with the ESMTP parameters the server announced
// (a parameter for an extension it did not announce is a 555/501 error, RFC 5321 §4.1.1.11).
import { encodeXtext } from '../../smtp/protocol/xtext.ts'
import type { OutboundRecipient } from '../transport/outbound-transport.ts'
import type { EhloExtensions } from './ehlo-extensions.ts'

export interface MailParameters {
  sender: string
  size: number
  bodyType: '7BIT' | '8BITMIME' | 'BINARYMIME' | null
  smtputf8: boolean
  requireTls: boolean
  ret: 'FULL' | 'HDRS' | null
  envid: string | null
}

export function mailFromLine(params: MailParameters, ext: EhloExtensions): string {
  let line = `MAIL FROM:<${params.sender}>`
  // RFC 1870 §6: announce the size so a server can refuse before the data is sent.
  if (ext.has('SIZE')) line += ` SIZE=${params.size}`
  // RFC 6152 §2 / RFC 3030 §3: BODY= only where the server knows it.
  if (params.bodyType === 'BINARYMIME' && ext.has('BINARYMIME')) line += ' BODY=BINARYMIME'
  else if (params.bodyType === '8BITMIME' && ext.has('8BITMIME')) line += ' BODY=8BITMIME'
  if (params.smtputf8 && ext.has('SMTPUTF8')) line += ' SMTPUTF8'
  // RFC 8689 §4.2.2: the REQUIRETLS option travels with the message.
  if (params.requireTls && ext.has('REQUIRETLS')) line += ' REQUIRETLS'
  if (ext.has('DSN')) {
    if (params.ret) line += ` RET=${params.ret}`
    if (params.envid) line += ` ENVID=${encodeXtext(params.envid)}`
  }
  return `${line}\r\n`
}

export function rcptToLine(recipient: OutboundRecipient, ext: EhloExtensions): string {
  let line = `RCPT TO:<${recipient.address}>`
  // RFC 3461 §4: pass NOTIFY and ORCPT on to a DSN-capable next hop.
  if (ext.has('DSN')) {
    if (recipient.notify && recipient.notify.length > 0) line += ` NOTIFY=${recipient.notify.join(',')}`
    if (recipient.orcpt) line += ` ORCPT=${recipient.orcpt.addrType};${orcptValue(recipient.orcpt)}`
  }
  return `${line}\r\n`
}

/** The encoded address of an ORCPT; some callers keep "type;value", others only the value. */
function orcptValue(orcpt: { addrType: string; value: string }): string {
  const prefix = `${orcpt.addrType.toLowerCase()};`
  return orcpt.value.toLowerCase().startsWith(prefix) ? orcpt.value.slice(prefix.length) : orcpt.value
}
