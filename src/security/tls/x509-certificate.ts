// The parts of an X.509 certificate (RFC 5280 §4.1) the certificate store shows and checks, read with
// der-reader.ts. node:crypto's X509Certificate would do it, but loading node:crypto + node:tls costs
// ~2.7 MB of idle RSS in the compiled binary, and this runs at every start.
import {
  type DerNode,
  DerTag,
  bitStringBytes,
  contextTag,
  decodeOid,
  decodeTime,
  derChildren,
  expectTag,
  readDerDocument,
} from './der-reader.ts'

export interface ParsedCertificate {
  /** The whole certificate (what fingerprints cover). */
  der: Uint8Array
  /** tbsCertificate, header included: the signed bytes (RFC 5280 §4.1.1.3). */
  tbs: Uint8Array
  /** signatureAlgorithm OID and parameters (RFC 5280 §4.1.1.2). */
  signatureAlgorithm: string
  signatureParameters: DerNode | undefined
  signature: Uint8Array
  /** One line per RDN in certificate order, as OpenSSL prints them: 'C=DE', 'O=Ex\, Inc', 'OU=A + OU=B'. */
  subject: string[]
  issuer: string[]
  notBefore: Date
  notAfter: Date
  /** dNSName and iPAddress SANs in certificate order; other name forms are skipped. */
  sans: Array<{ type: 'dns' | 'ip'; value: string }>
  /** SubjectPublicKeyInfo, header included, and its pieces. */
  spki: Uint8Array
  publicKeyAlgorithm: string
  /** The named curve OID for EC keys (RFC 5480 §2.1.1). */
  publicKeyCurve: string | undefined
  publicKey: Uint8Array
}

const SUBJECT_ALT_NAME = '2.5.29.17'

export function parseCertificate(der: Uint8Array): ParsedCertificate {
  const certificate = expectTag(readDerDocument(der), DerTag.sequence, 'Certificate')
  const [tbsNode, signatureAlgorithmNode, signatureNode] = derChildren(certificate)
  const tbs = derChildren(expectTag(tbsNode, DerTag.sequence, 'tbsCertificate'))
  // RFC 5280 §4.1.2.1: version is [0] EXPLICIT and absent for v1 certificates.
  if (tbs[0]?.tag === contextTag(0, true)) tbs.shift()
  const [serial, _signature, issuer, validity, subject, spkiNode, ...optional] = tbs
  expectTag(serial, DerTag.integer, 'serialNumber')
  const [notBefore, notAfter] = derChildren(expectTag(validity, DerTag.sequence, 'validity'))
  const spki = derChildren(expectTag(spkiNode, DerTag.sequence, 'subjectPublicKeyInfo'))
  const keyAlgorithm = derChildren(expectTag(spki[0], DerTag.sequence, 'subjectPublicKeyInfo algorithm'))
  const signatureAlgorithm = derChildren(expectTag(signatureAlgorithmNode, DerTag.sequence, 'signatureAlgorithm'))
  const extensions = optional.find(node => node.tag === contextTag(3, true))
  return {
    der,
    tbs: (tbsNode as DerNode).raw,
    signatureAlgorithm: decodeOid(expectTag(signatureAlgorithm[0], DerTag.oid, 'signature algorithm')),
    signatureParameters: signatureAlgorithm[1],
    signature: bitStringBytes(expectTag(signatureNode, DerTag.bitString, 'signatureValue')),
    subject: readName(expectTag(subject, DerTag.sequence, 'subject')),
    issuer: readName(expectTag(issuer, DerTag.sequence, 'issuer')),
    notBefore: decodeTime(requireNode(notBefore, 'notBefore')),
    notAfter: decodeTime(requireNode(notAfter, 'notAfter')),
    sans: extensions ? readSubjectAltNames(extensions) : [],
    spki: (spkiNode as DerNode).raw,
    publicKeyAlgorithm: decodeOid(expectTag(keyAlgorithm[0], DerTag.oid, 'public key algorithm')),
    publicKeyCurve: keyAlgorithm[1]?.tag === DerTag.oid ? decodeOid(keyAlgorithm[1]) : undefined,
    publicKey: bitStringBytes(expectTag(spki[1], DerTag.bitString, 'subjectPublicKey')),
  }
}

function requireNode(node: DerNode | undefined, what: string): DerNode {
  if (!node) throw new Error(`${what} is missing`)
  return node
}

/** OpenSSL's short names (objects.txt), which is what X509Certificate.subject printed. */
const ATTRIBUTE_NAMES: Record<string, string> = {
  '2.5.4.3': 'CN',
  '2.5.4.4': 'SN',
  '2.5.4.5': 'serialNumber',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.9': 'street',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.12': 'title',
  '2.5.4.15': 'businessCategory',
  '2.5.4.17': 'postalCode',
  '2.5.4.42': 'GN',
  '2.5.4.43': 'initials',
  '2.5.4.44': 'generationQualifier',
  '2.5.4.46': 'dnQualifier',
  '2.5.4.65': 'pseudonym',
  '2.5.4.97': 'organizationIdentifier',
  '1.2.840.113549.1.9.1': 'emailAddress',
  '0.9.2342.19200300.100.1.1': 'UID',
  '0.9.2342.19200300.100.1.25': 'DC',
  '1.3.6.1.4.1.311.60.2.1.1': 'jurisdictionL',
  '1.3.6.1.4.1.311.60.2.1.2': 'jurisdictionST',
  '1.3.6.1.4.1.311.60.2.1.3': 'jurisdictionC',
}

/** Name (RFC 5280 §4.1.2.4): one string per RDN; multi-valued RDNs joined with ' + ' as OpenSSL does. */
function readName(name: DerNode): string[] {
  return derChildren(name).map(rdn =>
    derChildren(expectTag(rdn, DerTag.set, 'RelativeDistinguishedName'))
      .map(attribute => {
        const [type, value] = derChildren(expectTag(attribute, DerTag.sequence, 'AttributeTypeAndValue'))
        const oid = decodeOid(expectTag(type, DerTag.oid, 'attribute type'))
        return `${ATTRIBUTE_NAMES[oid] ?? oid}=${escapeValue(directoryString(requireNode(value, 'attribute value')))}`
      })
      .join(' + '),
  )
}

/** DirectoryString and friends (RFC 5280 §4.1.2.4) → text. */
function directoryString(node: DerNode): string {
  switch (node.tag) {
    case DerTag.utf8String:
      return new TextDecoder('utf-8', { fatal: true }).decode(node.content)
    case 0x1e: // BMPString: UCS-2 big-endian
      return new TextDecoder('utf-16be', { fatal: true }).decode(node.content)
    case 0x1c: {
      // UniversalString: UCS-4 big-endian
      const view = new DataView(node.content.buffer, node.content.byteOffset, node.content.byteLength)
      let text = ''
      for (let i = 0; i + 4 <= view.byteLength; i += 4) text += String.fromCodePoint(view.getUint32(i))
      return text
    }
    default:
      // PrintableString, IA5String, TeletexString (T.61, read as Latin-1 like OpenSSL), NumericString.
      return new TextDecoder('latin1').decode(node.content)
  }
}

/**
 * OpenSSL's ASN1_STRFLGS_ESC_2253 | ESC_CTRL, the flags behind X509Certificate.subject: RFC 4514 §2.4
 * specials get a backslash, control characters become \XX, non-ASCII stays UTF-8.
 */
function escapeValue(value: string): string {
  const chars = [...value]
  return chars
    .map((char, i) => {
      const code = char.codePointAt(0) as number
      if (code < 0x20 || code === 0x7f) return `\\${code.toString(16).toUpperCase().padStart(2, '0')}`
      if (',+"\\<>;'.includes(char)) return `\\${char}`
      if (i === 0 && (char === '#' || char === ' ')) return `\\${char}`
      if (i === chars.length - 1 && char === ' ') return '\\ '
      return char
    })
    .join('')
}

/** [3] extensions → subjectAltName (RFC 5280 §4.2.1.6): dNSName [2] and iPAddress [7]. */
function readSubjectAltNames(extensionsNode: DerNode): Array<{ type: 'dns' | 'ip'; value: string }> {
  const [list] = derChildren(extensionsNode)
  for (const extension of derChildren(expectTag(list, DerTag.sequence, 'extensions'))) {
    const parts = derChildren(expectTag(extension, DerTag.sequence, 'extension'))
    if (decodeOid(expectTag(parts[0], DerTag.oid, 'extnID')) !== SUBJECT_ALT_NAME) continue
    // critical BOOLEAN DEFAULT FALSE may sit between extnID and extnValue.
    const value = expectTag(parts[parts.length - 1], DerTag.octetString, 'extnValue')
    const names = expectTag(readDerDocument(value.content), DerTag.sequence, 'GeneralNames')
    const sans: Array<{ type: 'dns' | 'ip'; value: string }> = []
    for (const name of derChildren(names)) {
      if (name.tag === contextTag(2, false))
        sans.push({ type: 'dns', value: new TextDecoder('latin1').decode(name.content) })
      const ip = name.tag === contextTag(7, false) ? ipText(name.content) : undefined
      if (ip) sans.push({ type: 'ip', value: ip })
    }
    return sans
  }
  return []
}

/**
 * iPAddress octets → text: dotted IPv4, or IPv6 groups in RFC 5952 §4 form ('2001:db8::1'). Any other
 * length names no address (OpenSSL prints "<invalid>"), so it is skipped.
 */
function ipText(octets: Uint8Array): string | undefined {
  if (octets.length === 4) return [...octets].join('.')
  if (octets.length !== 16) return undefined
  const groups: string[] = []
  for (let i = 0; i < 16; i += 2) groups.push((((octets[i] as number) << 8) | (octets[i + 1] as number)).toString(16))
  // The longest run of two or more zero groups becomes '::' (the first, if tied).
  let best = { start: -1, length: 1 }
  for (let i = 0; i < groups.length; ) {
    let j = i
    while (j < groups.length && groups[j] === '0') j++
    if (j - i > best.length) best = { start: i, length: j - i }
    i = j === i ? i + 1 : j
  }
  if (best.start < 0) return groups.join(':')
  return `${groups.slice(0, best.start).join(':')}::${groups.slice(best.start + best.length).join(':')}`
}
