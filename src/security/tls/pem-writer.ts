// DER → PEM (RFC 7468 §2): base64 in 64-character lines between BEGIN/END lines; the inverse of pem.ts.

/** One PEM block ending in a newline, so files can be concatenated (cat cert.pem chain.pem). */
export function pemEncode(label: string, der: Uint8Array): string {
  if (!/^[A-Z0-9 ]+$/.test(label) || label.trim() !== label || label.includes('  '))
    throw new RangeError(`invalid PEM label ${JSON.stringify(label)}`)
  const lines =
    Buffer.from(der)
      .toString('base64')
      .match(/.{1,64}/g) ?? []
  return `-----BEGIN ${label}-----\n${lines.map(line => `${line}\n`).join('')}-----END ${label}-----\n`
}
