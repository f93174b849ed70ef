// HTTP Basic credentials (RFC 7617 §2): "Basic " + base64(user-id ":" password). RFC 7617 §2.1: the
// charset is UTF-8 when the server says so in its challenge, which this server does.

export interface BasicCredentials {
  username: string
  password: string
}

const MAX_HEADER = 4096

export function parseBasicAuthorization(header: string | null | undefined): BasicCredentials | null {
  if (!header || header.length > MAX_HEADER) return null
  const match = /^Basic[ \t]+([A-Za-z0-9+/]+={0,2})[ \t]*$/i.exec(header)
  if (!match?.[1]) return null
  let decoded: string
  try {
    decoded = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(match[1], 'base64'))
  } catch {
    return null
  }
  const colon = decoded.indexOf(':')
  if (colon <= 0) return null
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) }
}

/** The challenge sent with 401 (RFC 7617 §2; charset parameter per §2.1). */
export const BASIC_CHALLENGE = 'Basic realm="mail-server DAV", charset="UTF-8"'
