// PEM (RFC 7468) blocks → DER bytes. Certificate chains and key files are PEM; the DER inside is what
// der-reader.ts walks.

export interface PemBlock {
  /** The label, e.g. 'CERTIFICATE', 'PRIVATE KEY', 'EC PRIVATE KEY'. */
  label: string
  /** True when the block carries RFC 1421 headers (legacy "Proc-Type: 4,ENCRYPTED" keys). */
  hasHeaders: boolean
  der: Uint8Array
}

const BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n([\s\S]*?)-----END \1-----/g

/** Every well-formed PEM block in `text`, in order; text between blocks is ignored (RFC 7468 §2). */
export function pemBlocks(text: string): PemBlock[] {
  const blocks: PemBlock[] = []
  for (const match of text.matchAll(BLOCK)) {
    const label = match[1] as string
    const body = match[2] as string
    const hasHeaders = body.includes(':')
    const base64 = hasHeaders ? body.slice(body.search(/\r?\n\r?\n/) + 1) : body
    const compact = base64.replace(/\s+/g, '')
    // RFC 7468 §3: strict base64; anything else is a damaged file, not something to guess at.
    if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(compact)) {
      throw new Error(`the ${label} block is not valid base64`)
    }
    blocks.push({ label, hasHeaders, der: new Uint8Array(Buffer.from(compact, 'base64')) })
  }
  return blocks
}
