// The whole server as `serve` starts it (startServer: temp data dir, every listener on port 0 on
// 127.0.0.1) with two accounts, for DAV clients over real HTTP.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { loadConfig } from '../../../../src/config/load.ts'
import { silentLogger } from '../../../../src/core/logger.ts'
import { type RunningServer, startServer } from '../../../../src/core/server.ts'
import { hashPassword } from '../../../../src/auth/passwords.ts'
import { freePortFlags } from '../../../support/binary.ts'

export const ANN = { email: 'ann@dav.test', password: 'correct horse battery staple' }
export const BOB = { email: 'bob@dav.test', password: 'another long password 2' }

// Argon2id takes ~150 ms (much more on a busy machine); every test file in this process reuses one
// hash per account.
const hashes = new Map<string, Promise<string>>()
const hashFor = (password: string) => {
  let hash = hashes.get(password)
  if (!hash) {
    hash = hashPassword(password)
    hashes.set(password, hash)
  }
  return hash
}

export interface DavTestServer {
  server: RunningServer
  dir: string
  /** http://127.0.0.1:<port> (no trailing slash). */
  base: string
  stop(): Promise<void>
}

export async function startDavTestServer(extraSettings: string[] = []): Promise<DavTestServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dav-interop-'))
  const set = freePortFlags.filter(f => f !== '--set')
  const { config } = loadConfig({
    // Clients log in on every request from 127.0.0.1; throttling has its own tests.
    flags: {
      set: [...set, 'limits.authFailuresBeforeThrottle=1000', ...extraSettings],
      'data-dir': dir,
      hostname: 'dav.local.test',
    },
    env: {},
    cwd: dir,
    searchPaths: [],
  })
  const server = await startServer(config, silentLogger)
  await server.deps.storage.domains.add('dav.test')
  await server.deps.storage.accounts.create({ email: ANN.email, passwordHash: await hashFor(ANN.password) })
  await server.deps.storage.accounts.create({ email: BOB.email, passwordHash: await hashFor(BOB.password) })
  const port = server.http.ports()[0]
  return {
    server,
    dir,
    base: `http://127.0.0.1:${port}`,
    async stop() {
      await server.stop(500)
      fs.rmSync(dir, { recursive: true, force: true })
    },
  }
}

export const basicAuth = (user: { email: string; password: string }) =>
  `Basic ${Buffer.from(`${user.email}:${user.password}`).toString('base64')}`

export interface DavReply {
  status: number
  headers: Headers
  text: string
}

/** One request as `user` (null: no credentials) with an optional body; the reply read in full. */
export async function davRequest(
  base: string,
  user: { email: string; password: string } | null,
  method: string,
  path: string,
  body?: string | Uint8Array,
  headers: Record<string, string> = {},
): Promise<DavReply> {
  const response = await fetch(`${base}${path}`, {
    method,
    body,
    headers: { ...(user ? { authorization: basicAuth(user) } : {}), ...headers },
    redirect: 'manual',
  })
  return { status: response.status, headers: response.headers, text: await response.text() }
}

export const PROPFIND_ETAG = '<d:propfind xmlns:d="DAV:"><d:prop><d:getetag/><d:displayname/></d:prop></d:propfind>'
