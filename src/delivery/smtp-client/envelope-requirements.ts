// What a message needs from the next hop that cannot be negotiated away. Checked after EHLO and
// before MAIL FROM, so a message the server cannot take is failed without sending it.
import type { EhloExtensions } from './ehlo-extensions.ts'

export interface EnvelopeNeeds {
  sender: string
  recipients: readonly { address: string }[]
  size: number
  bodyType: '7BIT' | '8BITMIME' | 'BINARYMIME' | null
  smtputf8: boolean
  requireTls: boolean
}

export interface UnmetRequirement {
  /** RFC 3463 enhanced status; always permanent (class 5). */
  enhancedStatus: string
  diagnostic: string
}

const NON_ASCII = /[^\x00-\x7f]/

export function unmetRequirement(needs: EnvelopeNeeds, ext: EhloExtensions, host: string): UnmetRequirement | null {
  // RFC 1870 §6.1: a message larger than the announced fixed maximum is a permanent failure.
  if (ext.maxSize !== null && needs.size > ext.maxSize)
    return {
      enhancedStatus: '5.3.4',
      diagnostic: `message of ${needs.size} bytes exceeds the ${ext.maxSize} bytes ${host} accepts`,
    }
  // RFC 6531 §3.5: a message that needs SMTPUTF8 must not be sent to a server without it.
  if (needs.smtputf8 && !ext.has('SMTPUTF8')) {
    const addresses = [needs.sender, ...needs.recipients.map(r => r.address)]
    const inAddress = addresses.some(a => NON_ASCII.test(a))
    return {
      // RFC 6531 §3.6.4 / RFC 5248: 5.6.7 non-ASCII addresses, 5.6.9 UTF-8 header fields.
      enhancedStatus: inAddress ? '5.6.7' : '5.6.9',
      diagnostic: `the message needs SMTPUTF8 (RFC 6531) and ${host} does not support it`,
    }
  }
  // RFC 3030 §3: BINARYMIME needs both CHUNKING and BINARYMIME; we do not convert to 7bit.
  if (needs.bodyType === 'BINARYMIME' && !(ext.has('BINARYMIME') && ext.has('CHUNKING')))
    return {
      enhancedStatus: '5.6.3',
      diagnostic: `the message is BINARYMIME (RFC 3030) and ${host} does not support it`,
    }
  // RFC 8689 §4.2.2: without REQUIRETLS support on the next hop the message must not be relayed.
  if (needs.requireTls && !ext.has('REQUIRETLS'))
    return {
      enhancedStatus: '5.7.30',
      diagnostic: `the message requires REQUIRETLS (RFC 8689) and ${host} does not support it`,
    }
  return null
}
