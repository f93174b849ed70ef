// Storage quota for DAV writes (RFC 4331 §6 DAV:quota-not-exceeded, 507). Mail and DAV data share the
// account's quota (accounts.quota_bytes); an account without one is unlimited.
import type { DavRequest } from '../dav-context.ts'
import { davPrecondition } from '../dav-error.ts'
import { NS } from '../xml/dav-namespaces.ts'

export async function checkQuota(req: DavRequest, growth: number): Promise<void> {
  if (growth <= 0) return
  const account = await req.services.accounts.get(req.account.id)
  if (!account || account.quotaBytes === null) return
  const mail = (await req.services.accounts.usage(req.account.id)).bytes
  const dav = await req.services.repo.usedBytes(req.account.id)
  if (mail + dav + growth > account.quotaBytes) {
    throw davPrecondition(507, NS.DAV, 'quota-not-exceeded', 'the account is over its storage quota')
  }
}
