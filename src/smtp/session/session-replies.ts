// Replies whose wording depends on the session (host name, counts) or that the protocol table does
// not carry. Codes still come from RFC 5321 §4.2 / RFC 3463 via buildReply and standardReply.
import { replyError } from '../protocol/reply-error.ts'
import { type SmtpReply, buildReply, standardReply } from '../protocol/reply.ts'

/** RFC 5321 §4.3.1: the greeting starts with our host name. */
export const greetingReply = (hostname: string): SmtpReply => standardReply('greeting', `${hostname} ESMTP`)

export const closingReply = (hostname: string): SmtpReply =>
  standardReply('closing', `${hostname} Service closing transmission channel`)

export const helloReply = (hostname: string, domain: string, ip: string): SmtpReply =>
  standardReply('hello', `${hostname} Hello ${domain} [${ip}]`)

/**
 * A client that sent its first command together with more commands, before any reply: it either
 * talked before the greeting or pipelined without PIPELINING having been offered (RFC 5321 §4.3.1:
 * wait for the greeting; RFC 2920 §3.1: pipeline only after EHLO advertised it). Spam engines do
 * this to save round trips.
 */
export const earlyTalkerReply = (hostname: string): SmtpReply =>
  buildReply(554, '5.5.0', `${hostname} Protocol violation: commands sent before the server's reply`)

/** An HTTP request on the SMTP port (cross-protocol attack from a browser, or a proxy probe). */
export const httpRequestReply = (hostname: string): SmtpReply =>
  buildReply(554, '5.5.0', `${hostname} This is an SMTP server, not an HTTP server`)

export const tooManyErrorsReply = (hostname: string): SmtpReply =>
  standardReply('tooManyErrors', `${hostname} Too many errors, closing transmission channel`)

export const timeoutReply = (hostname: string): SmtpReply =>
  standardReply('timeout', `${hostname} Idle timeout, closing transmission channel`)

export const shutdownReply = (hostname: string): SmtpReply =>
  standardReply('shuttingDown', `${hostname} Service shutting down, closing transmission channel`)

/** The client sent far more than the session can buffer while it is busy. */
export const inputOverflowReply = (hostname: string): SmtpReply =>
  buildReply(421, '4.7.0', `${hostname} Too much pipelined input, closing transmission channel`)

/** RFC 4954 §6: 454 4.7.0 temporary authentication failure, here a throttle. */
export const throttledError = (retryAfterMs: number) =>
  replyError(
    'tempAuthFailure',
    `Too many failed logins, try again in ${Math.max(1, Math.ceil(retryAfterMs / 1000))} seconds`,
    'AUTH',
  )

/** 503 5.5.1 with a reason. */
export const badSequence = (text: string, verb: string) => replyError('badSequence', text, verb)
