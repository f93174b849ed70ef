// A minimal DER (ITU-T X.690 §8, §10, §11) writer: the counterpart of der-reader.ts, enough to build an
// X.509 certificate (RFC 5280 §4.1). Each function returns one complete TLV; constructed values take
// already encoded children. Pure: values in, bytes out; input DER cannot express throws instead of
// being encoded wrongly.
import { DerTag } from './der-reader.ts'

/** Encoded bytes over a plain ArrayBuffer, as WebCrypto's BufferSource wants them. */
export type Der = Uint8Array<ArrayBuffer>

const PRINTABLE = /^[A-Za-z0-9 '()+,\-./:=?]*$/

/** Concatenate encoded TLVs (the content of a constructed value). */
export function concatBytes(parts: readonly Uint8Array[]): Der {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0))
  let offset = 0
  for (const part of parts) {
    out.set(part, offset)
    offset += part.length
  }
  return out
}

/** Definite length octets, short form below 128, else the minimal long form (X.690 §8.1.3, §10.1). */
function encodeLength(length: number): Der {
  if (length < 0x80) return Uint8Array.of(length)
  const octets: number[] = []
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) octets.unshift(rest % 256)
  return Uint8Array.of(0x80 | octets.length, ...octets)
}

/** One TLV with a low tag number (X.690 §8.1.2: 0-30, all that certificates use). */
export function derTlv(tag: number, content: Uint8Array): Der {
  if (!Number.isInteger(tag) || tag < 0 || tag > 0xff || (tag & 0x1f) === 0x1f)
    throw new RangeError(`unsupported DER tag ${tag}`)
  return concatBytes([Uint8Array.of(tag), encodeLength(content.length), content])
}

export const derSequence = (...children: Uint8Array[]): Der => derTlv(DerTag.sequence, concatBytes(children))

/** SET OF: DER sorts the encoded elements as octet strings (X.690 §11.6). */
export function derSet(...children: Uint8Array[]): Der {
  const sorted = [...children].sort((a, b) => {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      if (a[i] !== b[i]) return (a[i] as number) - (b[i] as number)
    }
    return a.length - b.length
  })
  return derTlv(DerTag.set, concatBytes(sorted))
}

/**
 * A non-negative INTEGER from unsigned big-endian bytes or a safe integer. Two's complement (X.690
 * §8.3.2): redundant leading zeros go, and a 0x00 is put in front when the high bit is set, so the
 * value stays positive (RFC 5280 §4.1.2.2 serial numbers, RFC 3279 §2.2.3 ECDSA r and s).
 */
export function derInteger(value: Uint8Array | number): Der {
  let bytes: Uint8Array
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`not a non-negative safe integer: ${value}`)
    const octets: number[] = []
    for (let rest = value; rest > 0; rest = Math.floor(rest / 256)) octets.unshift(rest % 256)
    bytes = Uint8Array.from(octets)
  } else bytes = value
  let start = 0
  while (start < bytes.length && bytes[start] === 0) start++
  const magnitude = bytes.subarray(start)
  if (magnitude.length === 0) return derTlv(DerTag.integer, Uint8Array.of(0))
  const content = (magnitude[0] as number) & 0x80 ? concatBytes([Uint8Array.of(0), magnitude]) : magnitude
  return derTlv(DerTag.integer, content)
}

/** OBJECT IDENTIFIER from dotted text (X.690 §8.19): the first two arcs share one subidentifier. */
export function derOid(dotted: string): Der {
  const texts = dotted.split('.')
  if (texts.length < 2 || !texts.every(text => /^\d+$/.test(text)))
    throw new RangeError(`malformed object identifier ${JSON.stringify(dotted)}`)
  const arcs = texts.map(Number)
  const [first, second] = arcs as [number, number]
  if (first > 2 || (first < 2 && second > 39) || arcs.some(arc => !Number.isSafeInteger(arc)))
    throw new RangeError(`object identifier out of range: ${dotted}`)
  const octets: number[] = []
  for (const subidentifier of [first * 40 + second, ...arcs.slice(2)]) {
    const groups = [subidentifier % 128]
    for (let rest = Math.floor(subidentifier / 128); rest > 0; rest = Math.floor(rest / 128))
      groups.unshift((rest % 128) | 0x80)
    octets.push(...groups)
  }
  return derTlv(DerTag.oid, Uint8Array.from(octets))
}

export const derUtf8String = (text: string): Der => derTlv(DerTag.utf8String, new TextEncoder().encode(text))

/** PrintableString (X.680 §41.4): letters, digits, space and '()+,-./:=? only. */
export function derPrintableString(text: string): Der {
  if (!PRINTABLE.test(text)) throw new RangeError(`not a PrintableString: ${JSON.stringify(text)}`)
  return derTlv(0x13, new TextEncoder().encode(text))
}

/** IA5String (ASCII, X.680 §41.4), the form of dNSName and rfc822Name (RFC 5280 §4.2.1.6). */
export function derIa5String(text: string): Der {
  return derTlv(0x16, ia5Bytes(text))
}

/** ASCII bytes for an IA5String value, also used under an IMPLICIT context tag. */
export function ia5Bytes(text: string): Der {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: IA5 is exactly the 7-bit range
  if (!/^[\x00-\x7f]*$/.test(text)) throw new RangeError(`not an IA5String: ${JSON.stringify(text)}`)
  return new TextEncoder().encode(text)
}

const pad = (value: number, width: number) => String(value).padStart(width, '0')

function checkedDate(date: Date): Date {
  if (Number.isNaN(date.getTime())) throw new RangeError('invalid date')
  return date
}

/** UTCTime YYMMDDHHMMSSZ (RFC 5280 §4.1.2.5.1): UTC, seconds, no fraction; only 1950-2049. */
export function derUtcTime(date: Date): Der {
  const year = checkedDate(date).getUTCFullYear()
  if (year < 1950 || year > 2049) throw new RangeError(`UTCTime cannot express the year ${year}`)
  return derTlv(DerTag.utcTime, new TextEncoder().encode(`${pad(year % 100, 2)}${timeOfYear(date)}Z`))
}

/** GeneralizedTime YYYYMMDDHHMMSSZ (RFC 5280 §4.1.2.5.2): UTC, seconds, no fraction. */
export function derGeneralizedTime(date: Date): Der {
  const year = checkedDate(date).getUTCFullYear()
  if (year < 0 || year > 9999) throw new RangeError(`GeneralizedTime cannot express the year ${year}`)
  return derTlv(DerTag.generalizedTime, new TextEncoder().encode(`${pad(year, 4)}${timeOfYear(date)}Z`))
}

/** RFC 5280 §4.1.2.5: certificate validity dates through 2049 are UTCTime, from 2050 GeneralizedTime. */
export function derTime(date: Date): Der {
  const year = checkedDate(date).getUTCFullYear()
  return year >= 1950 && year <= 2049 ? derUtcTime(date) : derGeneralizedTime(date)
}

function timeOfYear(date: Date): string {
  return [date.getUTCMonth() + 1, date.getUTCDate(), date.getUTCHours(), date.getUTCMinutes(), date.getUTCSeconds()]
    .map(part => pad(part, 2))
    .join('')
}

/** BIT STRING (X.690 §8.6): the unused-bits count (0-7) of the last octet, then the octets. */
export function derBitString(bytes: Uint8Array, unusedBits = 0): Der {
  if (!Number.isInteger(unusedBits) || unusedBits < 0 || unusedBits > 7 || (bytes.length === 0 && unusedBits !== 0))
    throw new RangeError(`invalid unused-bits count ${unusedBits}`)
  // DER (X.690 §11.2.1): the unused bits are zero.
  if (bytes.length > 0 && ((bytes[bytes.length - 1] as number) & ((1 << unusedBits) - 1)) !== 0)
    throw new RangeError('BIT STRING unused bits must be zero')
  return derTlv(DerTag.bitString, concatBytes([Uint8Array.of(unusedBits), bytes]))
}

/**
 * A named bit list such as KeyUsage (RFC 5280 §4.2.1.3): bit 0 is the high bit of the first octet;
 * DER drops trailing zero bits (X.690 §11.2.2).
 */
export function derNamedBits(bits: readonly number[]): Der {
  if (bits.some(bit => !Number.isInteger(bit) || bit < 0)) throw new RangeError('bit numbers are non-negative integers')
  if (bits.length === 0) return derBitString(new Uint8Array(0))
  const highest = Math.max(...bits)
  const bytes = new Uint8Array(Math.floor(highest / 8) + 1)
  for (const bit of bits) bytes[Math.floor(bit / 8)] = (bytes[Math.floor(bit / 8)] as number) | (0x80 >> (bit % 8))
  return derBitString(bytes, 7 - (highest % 8))
}

export const derOctetString = (bytes: Uint8Array): Der => derTlv(DerTag.octetString, bytes)

/** BOOLEAN: DER writes TRUE as 0xFF (X.690 §11.1). */
export const derBoolean = (value: boolean): Der => derTlv(0x01, Uint8Array.of(value ? 0xff : 0x00))

export const derNull = (): Der => derTlv(DerTag.null, new Uint8Array(0))

/** [n] EXPLICIT: a constructed context tag around one encoded value (X.690 §8.14.2). */
export function derExplicit(n: number, inner: Uint8Array): Der {
  if (!Number.isInteger(n) || n < 0 || n > 30) throw new RangeError(`context tag [${n}] out of range`)
  return derTlv(0xa0 | n, inner)
}

/** [n] IMPLICIT on a primitive value: the context tag replaces the universal one (X.690 §8.14.3). */
export function derImplicitPrimitive(n: number, content: Uint8Array): Der {
  if (!Number.isInteger(n) || n < 0 || n > 30) throw new RangeError(`context tag [${n}] out of range`)
  return derTlv(0x80 | n, content)
}
