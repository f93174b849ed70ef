// ESMTP parameters after the path of MAIL FROM and RCPT TO (RFC 5321 §4.1.2 esmtp-param).
// Keywords are case-insensitive. A keyword this server does not know is 555 5.5.4 (RFC 5321
// §4.1.1.11); a malformed or repeated one is 501 5.5.4.
import { replyError } from './reply-error.ts'
import type { BodyType, DsnNotify, MailParams, OriginalRecipient, RcptParams } from './smtp-command.ts'
import { decodeUtf8AddrXtext, decodeXtext } from './xtext.ts'

export interface EsmtpParam {
  /** Upper-cased keyword. */
  readonly keyword: string
  /** Value as sent, or null for a keyword without "=". */
  readonly value: string | null
}

// RFC 3461 §4.4: ENVID at most 100 characters; §4.2: ORCPT at most 500 characters.
export const MAX_ENVID_LENGTH = 100
export const MAX_ORCPT_LENGTH = 500
// RFC 1870 §3: size-value = 1*20DIGIT.
const MAX_SIZE_DIGITS = 20

const KEYWORD = /^[A-Za-z0-9][A-Za-z0-9-]*$/
// RFC 5321 esmtp-value = 1*(%d33-60 / %d62-126), RFC 6531 §3.3 adds UTF8-non-ascii.
const VALUE = /^[\x21-\x3c\x3e-\x7e\u0080-\u{10ffff}]+$/u
// RFC 3461 §4.2 addr-type = atom (RFC 5322 atext).
const ATOM = /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~]+$/

const BODY_TYPES: readonly BodyType[] = ['7BIT', '8BITMIME', 'BINARYMIME']
const NOTIFY_VALUES: readonly DsnNotify[] = ['NEVER', 'SUCCESS', 'FAILURE', 'DELAY']

const bad = (verb: string, why: string) => replyError('syntax', why, verb)

/** Split `KEY=value KEY2` into parameters; rejects bad syntax and repeated keywords. */
export function splitEsmtpParams(text: string, verb: string): EsmtpParam[] {
  const params: EsmtpParam[] = []
  const seen = new Set<string>()
  for (const token of text.split(/[ \t]+/)) {
    if (token === '') continue
    const eq = token.indexOf('=')
    const keyword = eq < 0 ? token : token.slice(0, eq)
    const value = eq < 0 ? null : token.slice(eq + 1)
    if (!KEYWORD.test(keyword)) throw bad(verb, `invalid parameter ${JSON.stringify(truncate(token))}`)
    const upper = keyword.toUpperCase()
    if (value !== null && !VALUE.test(value)) throw bad(verb, `invalid value for parameter ${upper}`)
    if (seen.has(upper)) throw bad(verb, `duplicate parameter ${upper}`)
    seen.add(upper)
    params.push({ keyword: upper, value })
  }
  return params
}

const truncate = (s: string) => (s.length > 40 ? `${s.slice(0, 40)}...` : s)

const unknown = (verb: string, keyword: string) =>
  replyError('unknownParameter', `parameter ${keyword} not recognized`, verb)

function requireValue(param: EsmtpParam, verb: string): string {
  if (param.value === null) throw bad(verb, `parameter ${param.keyword} requires a value`)
  return param.value
}

function requireNoValue(param: EsmtpParam, verb: string): void {
  if (param.value !== null) throw bad(verb, `parameter ${param.keyword} takes no value`)
}

/** MAIL FROM parameters: SIZE, BODY, SMTPUTF8, RET, ENVID, AUTH, REQUIRETLS. */
export function parseMailParams(text: string): MailParams {
  const verb = 'MAIL'
  const params: MailParams = { smtputf8: false, requireTls: false }
  for (const param of splitEsmtpParams(text, verb)) {
    switch (param.keyword) {
      case 'SIZE': {
        const value = requireValue(param, verb)
        if (!/^[0-9]+$/.test(value) || value.length > MAX_SIZE_DIGITS) throw bad(verb, 'SIZE must be a number')
        // Beyond 2^53 precision is lost, but any such value is far over every limit anyway.
        params.size = Number(value)
        break
      }
      case 'BODY': {
        const value = requireValue(param, verb).toUpperCase()
        const body = BODY_TYPES.find(b => b === value)
        if (body === undefined) throw bad(verb, 'BODY must be 7BIT, 8BITMIME or BINARYMIME')
        params.body = body
        break
      }
      case 'SMTPUTF8':
        requireNoValue(param, verb)
        params.smtputf8 = true
        break
      case 'RET': {
        const value = requireValue(param, verb).toUpperCase()
        if (value !== 'FULL' && value !== 'HDRS') throw bad(verb, 'RET must be FULL or HDRS')
        params.ret = value
        break
      }
      case 'ENVID': {
        const value = requireValue(param, verb)
        if (value.length > MAX_ENVID_LENGTH) throw bad(verb, `ENVID longer than ${MAX_ENVID_LENGTH} characters`)
        params.envid = decodeXtext(value)
        break
      }
      case 'AUTH': {
        // RFC 4954 §5: AUTH=<> or AUTH=xtext(mailbox).
        const value = requireValue(param, verb)
        params.auth = { mailbox: value === '<>' ? null : decodeXtext(value) }
        break
      }
      case 'REQUIRETLS':
        requireNoValue(param, verb)
        params.requireTls = true
        break
      default:
        throw unknown(verb, param.keyword)
    }
  }
  return params
}

/** RCPT TO parameters: NOTIFY, ORCPT (RFC 3461 §4.1, §4.2). */
export function parseRcptParams(text: string): RcptParams {
  const verb = 'RCPT'
  const params: RcptParams = {}
  for (const param of splitEsmtpParams(text, verb)) {
    switch (param.keyword) {
      case 'NOTIFY':
        params.notify = parseNotify(requireValue(param, verb))
        break
      case 'ORCPT':
        params.orcpt = parseOrcpt(requireValue(param, verb))
        break
      default:
        throw unknown(verb, param.keyword)
    }
  }
  return params
}

/** RFC 3461 §4.1: "NEVER" / 1#("SUCCESS" / "FAILURE" / "DELAY"). */
function parseNotify(value: string): DsnNotify[] {
  const out: DsnNotify[] = []
  for (const item of value.split(',')) {
    const upper = item.toUpperCase()
    const notify = NOTIFY_VALUES.find(n => n === upper)
    if (notify === undefined)
      throw bad('RCPT', `NOTIFY value ${JSON.stringify(truncate(item))} is not NEVER, SUCCESS, FAILURE or DELAY`)
    if (out.includes(notify)) throw bad('RCPT', `NOTIFY lists ${notify} twice`)
    out.push(notify)
  }
  if (out.includes('NEVER') && out.length > 1) throw bad('RCPT', 'NOTIFY=NEVER cannot be combined with other values')
  return out
}

/** RFC 3461 §4.2: addr-type ";" xtext; RFC 6533 §3 for addr-type utf-8. */
function parseOrcpt(value: string): OriginalRecipient {
  if (value.length > MAX_ORCPT_LENGTH) throw bad('RCPT', `ORCPT longer than ${MAX_ORCPT_LENGTH} characters`)
  const semicolon = value.indexOf(';')
  const addrType = semicolon < 0 ? '' : value.slice(0, semicolon)
  const encoded = semicolon < 0 ? '' : value.slice(semicolon + 1)
  if (!ATOM.test(addrType) || encoded === '') throw bad('RCPT', 'ORCPT must be addr-type;address')
  const address = addrType.toLowerCase() === 'utf-8' ? decodeUtf8AddrXtext(encoded) : decodeXtext(encoded)
  return { addrType, value, address }
}
