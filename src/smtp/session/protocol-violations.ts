// Clients that are not SMTP clients, told apart without a greeting delay.
//
// Early talkers: RFC 5321 §4.3.1 has the client wait for the 220 greeting, and RFC 2920 §3.1 lets it
// send several commands without waiting for replies only after EHLO advertised PIPELINING (and
// EHLO itself must end a group). So the first command of a connection must arrive alone: if more
// bytes are already buffered behind the first command line when it is read, the client either
// talked before the greeting or pipelined blind. Spam engines do both to save round trips. The
// check costs nothing and needs no sleep (Postfix postscreen's pregreet test delays the greeting
// instead, which caps throughput): the greeting is written as soon as the connection opens.
//
// HTTP verbs: a browser can be made to POST to port 25 and smuggle SMTP lines in the body
// (cross-protocol attack); a proxy probe sends CONNECT. Such a connection is closed at once.

const HTTP_VERBS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'TRACE', 'CONNECT', 'PATCH'])

/** The first word of a line (as the parser reports it) is an HTTP method. */
export const isHttpVerb = (verb: string | null): boolean => verb !== null && HTTP_VERBS.has(verb)

/**
 * The first command line of the connection had company: `pendingAfterFirstLine` bytes were already
 * buffered behind it before the server answered anything.
 */
export const isEarlyTalker = (firstLine: boolean, pendingAfterFirstLine: number): boolean =>
  firstLine && pendingAfterFirstLine > 0
