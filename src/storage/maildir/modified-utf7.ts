// IMAP modified UTF-7 (RFC 3501 §5.1.3), the encoding Courier and Dovecot use for Maildir++
// folder names on disk. Printable ASCII stands for itself except '&', written "&-"; every other run
// of characters is UTF-16BE in base64 with ',' instead of '/', no padding, between '&' and '-'.

const isDirect = (code: number) => code >= 0x20 && code <= 0x7e

export function encodeModifiedUtf7(text: string): string {
  let out = ''
  let run: number[] = []
  const flush = () => {
    if (run.length === 0) return
    const bytes = new Uint8Array(run.length * 2)
    run.forEach((unit, i) => {
      bytes[i * 2] = unit >> 8
      bytes[i * 2 + 1] = unit & 0xff
    })
    out += `&${Buffer.from(bytes).toString('base64').replace(/=+$/, '').replaceAll('/', ',')}-`
    run = []
  }
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i)
    if (isDirect(unit)) {
      flush()
      out += unit === 0x26 ? '&-' : text[i]
    } else {
      run.push(unit)
    }
  }
  flush()
  return out
}

/** Decode modified UTF-7; null when the input is not valid (bad base64, stray '&', raw 8-bit). */
export function decodeModifiedUtf7(encoded: string): string | null {
  let out = ''
  let i = 0
  while (i < encoded.length) {
    const ch = encoded[i] as string
    const code = encoded.charCodeAt(i)
    if (!isDirect(code)) return null
    if (ch !== '&') {
      out += ch
      i++
      continue
    }
    const end = encoded.indexOf('-', i + 1)
    if (end < 0) return null
    const b64 = encoded.slice(i + 1, end)
    i = end + 1
    if (b64 === '') {
      out += '&'
      continue
    }
    if (!/^[A-Za-z0-9+,]+$/.test(b64)) return null
    const bytes = Buffer.from(b64.replaceAll(',', '/'), 'base64')
    if (bytes.length % 2 !== 0 || bytes.length === 0) return null
    let decoded = ''
    for (let j = 0; j < bytes.length; j += 2)
      decoded += String.fromCharCode(((bytes[j] ?? 0) << 8) | (bytes[j + 1] ?? 0))
    // RFC 3501 §5.1.3: a shifted run must not encode printable ASCII, which has a direct form,
    // and (like any base64) must not carry stray bits: only the canonical spelling is accepted,
    // so one name never has two folders.
    for (let j = 0; j < decoded.length; j++) if (isDirect(decoded.charCodeAt(j))) return null
    if (encodeModifiedUtf7(decoded) !== `&${b64}-`) return null
    out += decoded
  }
  return out
}
