// RCPT TO policy (issue 4 §2, §4): who receives mail for an address, and whether we may take it.
//
//   hosted domain, account/alias/catch-all  → local delivery (+ queue for alias targets elsewhere)
//   hosted domain, nothing matches          → 550 5.1.1 (postmaster@ falls back, RFC 5321 §4.5.1)
//   disabled account or domain              → 550 5.2.1
//   other domain                            → queue if the client authenticated, else 554 5.7.1
//   trap mode                               → the trap account, whatever the address
//
// Open-relay tricks all end in one of the first rows, never in "relay": the protocol parser drops
// source routes (`@local:user@remote` → user@remote, RFC 5321 §4.1.1.3) and refuses `a@b@c`;
// `user%remote@local`, `remote!user@local` and `"user@remote"@local` are local parts of a hosted
// domain (unknown → 550); address literals are never relayed.
import { isMailError } from '../../core/errors.ts'
import { parseDomain } from '../../core/address.ts'
import type { RecipientResolution, Storage } from '../../storage/index.ts'
import { standardReply } from '../protocol/reply.ts'
import type { SmtpReply } from '../protocol/reply.ts'
import type { InboundContext } from './inbound-types.ts'
import type { RecipientRoute } from './recipient-route.ts'
import type { TrapMailbox } from './trap-mailbox.ts'

export type RejectReason =
  | 'unknown_user'
  | 'disabled'
  | 'relay_denied'
  | 'sender_not_allowed'
  | 'dnsbl'
  | 'dmarc'
  | 'over_quota'
  | 'storage_full'
  | 'temporary'

export type RouteDecision = { ok: true; route: RecipientRoute } | { ok: false; reply: SmtpReply; reason: RejectReason }

export interface RecipientRouterDeps {
  storage: Storage
  hostname: string
  trap: TrapMailbox
}

const reject = (reply: SmtpReply, reason: RejectReason): RouteDecision => ({ ok: false, reply, reason })

const unknownUser = (address: string) =>
  reject(standardReply('mailboxUnknown', `No such user here: ${address}`), 'unknown_user')

const relayDenied = () =>
  reject(standardReply('relayDenied', 'Relay access denied: authenticate to send to other domains'), 'relay_denied')

const isSyntaxError = (e: unknown) => isMailError(e) && e.kind === 'syntax'

/** The domain of `address` in normal form, or null (address literals, bad syntax). */
function domainOf(address: string): string | null {
  try {
    return parseDomain(address.slice(address.lastIndexOf('@') + 1))
  } catch {
    return null
  }
}

function routeOf(address: string, resolution: RecipientResolution): RecipientRoute | null {
  if (resolution.kind === 'local') {
    const via = resolution.via
    return { address, via, local: resolution.accounts.map(a => ({ ...a })), remote: [...resolution.external] }
  }
  if (resolution.kind === 'external')
    return { address, via: resolution.via, local: [], remote: [...resolution.addresses] }
  return null
}

export function createRecipientRouter(deps: RecipientRouterDeps) {
  const { storage } = deps
  const hostname = domainOf(`postmaster@${deps.hostname}`)

  const isHosted = async (domain: string | null) => domain !== null && (await storage.domains.get(domain)) !== null

  /** RFC 5321 §4.5.1: postmaster must be accepted; ours is postmaster@<hostname>, else any domain's. */
  const postmaster = async (address: string): Promise<RouteDecision> => {
    const domains = (await storage.domains.list()).map(d => d.name)
    for (const domain of [deps.hostname, ...domains.filter(d => d !== deps.hostname)]) {
      let resolution: RecipientResolution
      try {
        resolution = await storage.resolveRecipient(`postmaster@${domain}`)
      } catch (e) {
        if (isSyntaxError(e)) continue
        throw e
      }
      const route = routeOf(address, resolution)
      if (route) return { ok: true, route: { ...route, via: 'postmaster' } }
    }
    return unknownUser(address)
  }

  return async (ctx: InboundContext, address: string): Promise<RouteDecision> => {
    if (ctx.trap) return { ok: true, route: { address, via: 'trap', local: [await deps.trap.target()], remote: [] } }
    if (!address.includes('@')) {
      // RFC 5321 §4.1.1.3: the bare <Postmaster> forward-path.
      return address.toLowerCase() === 'postmaster' ? postmaster(address) : unknownUser(address)
    }
    // The session turns a bare <Postmaster> into postmaster@<hostname>, which need not be a hosted domain.
    if (/^postmaster@/i.test(address) && domainOf(address) === hostname && !(await isHosted(hostname))) {
      return postmaster(address)
    }
    let resolution: RecipientResolution
    try {
      resolution = await storage.resolveRecipient(address)
    } catch (e) {
      if (!isSyntaxError(e)) throw e
      // Valid SMTP but nothing an account can be named (quoted local part, address literal, …).
      const domain = domainOf(address)
      if (await isHosted(domain)) return unknownUser(address)
      if (domain !== null && ctx.auth)
        return { ok: true, route: { address, via: 'relay', local: [], remote: [address] } }
      return relayDenied()
    }
    switch (resolution.kind) {
      case 'local':
      case 'external': {
        const route = routeOf(address, resolution)
        return route ? { ok: true, route } : unknownUser(address)
      }
      case 'unknown':
        if (/^postmaster@/i.test(resolution.address)) return postmaster(address)
        return unknownUser(address)
      case 'disabled':
        return reject(standardReply('mailboxDisabled', `Mailbox disabled: ${address}`), 'disabled')
      case 'remote':
        if (!ctx.auth) return relayDenied()
        return { ok: true, route: { address, via: 'relay', local: [], remote: [address] } }
    }
  }
}
