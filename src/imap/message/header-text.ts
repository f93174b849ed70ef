// Header text as "binary strings": one char per octet (ISO-8859-1), so structure parsing never
// loses or changes a byte (a boundary must match the body octet for octet). Values that leave
// this layer go through headerText(), which reads them as UTF-8 when they are valid UTF-8
// (RFC 6532 headers, and 8-bit junk that happens to be UTF-8) and keeps Latin-1 otherwise.

const utf8 = new TextDecoder('utf-8', { fatal: true })

/** Octets [start, end) as a binary string. */
export function binaryString(bytes: Uint8Array, start = 0, end = bytes.length): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset + start, Math.max(0, end - start)).toString('latin1')
}

/** The octets of a binary string. */
export function binaryBytes(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'latin1'))
}

/** A binary string as display text: UTF-8 when it decodes as UTF-8, else Latin-1. */
export function headerText(binary: string): string {
  if (!/[\x80-\xff]/.test(binary)) return binary
  try {
    return utf8.decode(binaryBytes(binary))
  } catch {
    return binary
  }
}

/**
 * RFC 5322 §2.2.3 unfolding: remove every CRLF (and bare LF/CR) in a field value, keeping the
 * whitespace that followed it, then trim the ends.
 */
export function unfold(binary: string): string {
  return binary.replace(/\r?\n|\r/g, '').replace(/^[ \t]+|[ \t]+$/g, '')
}
