// A self-signed server certificate for when no certificate files are configured (dev profile, first
// start before ACME): a WebCrypto key pair and an X.509 v3 certificate (RFC 5280 §4.1) written with
// der-writer.ts. A library such as @peculiar/x509 (with reflect-metadata, tsyringe, asn1js, pkijs) cost
// ~45 ms and ~8 MB of RSS on a first start (issue 3); global WebCrypto keeps node:crypto unloaded too.
import type { CertificatePair } from '../../net/transport.ts'
import { DerTag, derChildren, expectTag, readDerDocument } from './der-reader.ts'
import {
  derBitString,
  derBoolean,
  derExplicit,
  derImplicitPrimitive,
  derInteger,
  derNamedBits,
  derNull,
  derOctetString,
  derOid,
  derPrintableString,
  derSequence,
  derSet,
  derTime,
  derUtf8String,
  ia5Bytes,
} from './der-writer.ts'
import { ecdsaSignatureToDer } from './ecdsa-signature-der.ts'
import { ipAddressBytes } from './ip-address-bytes.ts'
import { pemEncode } from './pem-writer.ts'

export type KeyKind = 'ecdsa-p256' | 'rsa-2048'

const ALGORITHMS = {
  'ecdsa-p256': { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' },
  'rsa-2048': {
    name: 'RSASSA-PKCS1-v1_5',
    hash: 'SHA-256',
    modulusLength: 2048,
    publicExponent: new Uint8Array([1, 0, 1]),
  },
} as const

const OID = {
  commonName: '2.5.4.3',
  // RFC 5758 §3.2: ecdsa-with-SHA256 has absent parameters.
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  // RFC 4055 §5: sha256WithRSAEncryption has NULL parameters.
  sha256WithRsa: '1.2.840.113549.1.1.11',
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  subjectAltName: '2.5.29.17',
  subjectKeyIdentifier: '2.5.29.14',
  serverAuth: '1.3.6.1.5.5.7.3.1',
} as const

/** KeyUsage bit numbers (RFC 5280 §4.2.1.3). */
const DIGITAL_SIGNATURE = 0
const KEY_ENCIPHERMENT = 2

export interface SelfSignedOptions {
  /** Subject CN and first SAN. */
  hostname: string
  /** More SANs; localhost, 127.0.0.1 and ::1 are always added so local clients can verify. */
  extraNames?: string[]
  keyKind?: KeyKind
  /** 825 days: the longest validity clients such as Apple's accept for a trusted server certificate. */
  validDays?: number
  /** Issue time (injected clock). */
  now?: Date
}

/** The SANs a self-signed certificate for `hostname` carries, lower-cased and without duplicates. */
export function selfSignedNames(hostname: string, extraNames: string[] = []): string[] {
  return [...new Set([hostname, ...extraNames, 'localhost', '127.0.0.1', '::1'].map(n => n.toLowerCase()))]
}

/** Generate a key pair and a self-signed certificate; PEM strings usable as Bun `tls: { cert, key }`. */
export async function createSelfSignedCertificate(options: SelfSignedOptions): Promise<CertificatePair> {
  const keyKind = options.keyKind ?? 'ecdsa-p256'
  const algorithm = ALGORITHMS[keyKind]
  const names = selfSignedNames(options.hostname, options.extraNames)
  // Keys must be extractable to be written out as PKCS#8.
  const keys = (await crypto.subtle.generateKey(algorithm, true, ['sign', 'verify'])) as CryptoKeyPair
  const spki = new Uint8Array(await crypto.subtle.exportKey('spki', keys.publicKey))
  const now = (options.now ?? new Date()).getTime()
  const signatureAlgorithm =
    keyKind === 'ecdsa-p256'
      ? derSequence(derOid(OID.ecdsaWithSha256))
      : derSequence(derOid(OID.sha256WithRsa), derNull())
  const name = distinguishedName(options.hostname)
  const tbs = derSequence(
    derExplicit(0, derInteger(2)), // v3 (RFC 5280 §4.1.2.1)
    derInteger(randomSerial()),
    signatureAlgorithm,
    name, // issuer = subject: self-signed
    derSequence(derTime(new Date(now - 60_000)), derTime(new Date(now + (options.validDays ?? 825) * 86_400_000))),
    name,
    spki,
    derExplicit(
      3,
      derSequence(
        extension(OID.basicConstraints, true, derSequence()), // cA defaults to FALSE (RFC 5280 §4.2.1.9)
        // RFC 5480 §3 / RFC 8813 §3: keyEncipherment is for RSA key transport; an EC key only signs.
        extension(
          OID.keyUsage,
          true,
          derNamedBits(keyKind === 'rsa-2048' ? [DIGITAL_SIGNATURE, KEY_ENCIPHERMENT] : [DIGITAL_SIGNATURE]),
        ),
        extension(OID.extKeyUsage, false, derSequence(derOid(OID.serverAuth))),
        extension(OID.subjectAltName, false, derSequence(...names.map(generalName))),
        extension(OID.subjectKeyIdentifier, false, derOctetString(await keyIdentifier(spki))),
      ),
    ),
  )
  const signed = new Uint8Array(await crypto.subtle.sign(algorithm, keys.privateKey, tbs))
  const signature = keyKind === 'ecdsa-p256' ? ecdsaSignatureToDer(signed) : signed
  const certificate = derSequence(tbs, signatureAlgorithm, derBitString(signature))
  const pkcs8 = new Uint8Array(await crypto.subtle.exportKey('pkcs8', keys.privateKey))
  return { cert: pemEncode('CERTIFICATE', certificate), key: pemEncode('PRIVATE KEY', pkcs8) }
}

/** RFC 5280 §4.1.2.2: a positive serial of at most 20 octets; 16 random bytes with the sign bit clear. */
function randomSerial(): Uint8Array {
  const serial = crypto.getRandomValues(new Uint8Array(16))
  // Setting 0x40 keeps all 16 octets significant (no leading zero to strip): 126 random bits.
  serial[0] = ((serial[0] as number) & 0x3f) | 0x40
  return serial
}

/** CN=<hostname>; PrintableString when it fits (as OpenSSL and most CAs write it), else UTF8String. */
function distinguishedName(hostname: string): Uint8Array {
  const value = /^[A-Za-z0-9 '()+,\-./:=?]*$/.test(hostname) ? derPrintableString(hostname) : derUtf8String(hostname)
  return derSequence(derSet(derSequence(derOid(OID.commonName), value)))
}

/** Extension ::= SEQUENCE { extnID, critical DEFAULT FALSE, extnValue OCTET STRING } (RFC 5280 §4.1). */
function extension(oid: string, critical: boolean, value: Uint8Array): Uint8Array {
  // DER omits a value equal to its DEFAULT (X.690 §11.5), so critical appears only when TRUE.
  return critical
    ? derSequence(derOid(oid), derBoolean(true), derOctetString(value))
    : derSequence(derOid(oid), derOctetString(value))
}

/** GeneralName: iPAddress [7] or dNSName [2] IA5String (RFC 5280 §4.2.1.6). */
function generalName(name: string): Uint8Array {
  const ip = ipAddressBytes(name)
  if (ip) return derImplicitPrimitive(7, ip)
  if (!name) throw new RangeError('empty host name for a subjectAltName')
  // IDNs must arrive as A-labels (punycode): dNSName is ASCII.
  return derImplicitPrimitive(2, ia5Bytes(name))
}

/** RFC 5280 §4.2.1.2 method (1): SHA-1 of the subjectPublicKey BIT STRING value. */
async function keyIdentifier(spki: Uint8Array): Promise<Uint8Array> {
  const [, subjectPublicKey] = derChildren(expectTag(readDerDocument(spki), DerTag.sequence, 'SubjectPublicKeyInfo'))
  const bits = expectTag(subjectPublicKey, DerTag.bitString, 'subjectPublicKey').content.subarray(1)
  return new Uint8Array(await crypto.subtle.digest('SHA-1', new Uint8Array(bits)))
}
