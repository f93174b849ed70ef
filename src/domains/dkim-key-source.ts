// Where DKIM public keys come from for `domain dns` and the API. Key generation and storage belong
// to delivery (src/delivery/dkim/); this interface is the seam it plugs into (see
// ./delivery-dkim-keys.ts), so DNS listing never depends on how keys are kept.
export interface DkimPublicKey {
  /** Signing domain (d=), normalised. */
  domain: string
  /** Selector (s=): the record lives at `<selector>._domainkey.<domain>` (RFC 6376 §3.6.2.1). */
  selector: string
  /** Signature algorithm, e.g. `rsa-sha256` or `ed25519-sha256` (RFC 8463). */
  algorithm: string
  /** TXT record text, e.g. `v=DKIM1; k=rsa; p=MIIBIjAN…`. */
  dnsValue: string
  /** Creation time (ms since the epoch) when known. */
  createdAt: number | null
  /** Whether outgoing mail is signed with this key now (retired keys stay published for a while). */
  active: boolean
}

export interface DkimKeySource {
  /** The keys a domain must publish now; the source may create the domain's first keys here. */
  published(domain: string): Promise<DkimPublicKey[]>
  /** Every key known, of one domain or of all; never creates anything. */
  list(domain?: string): Promise<DkimPublicKey[]>
}

/** A source without keys (tests, or a build without DKIM): no DKIM record is listed. */
export const noDkimKeys: DkimKeySource = { published: async () => [], list: async () => [] }
