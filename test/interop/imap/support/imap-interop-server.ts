// The whole server as `serve` starts it (startServer: storage, certificates, every protocol module,
// ports 0 on 127.0.0.1, a temp data dir) with one account, for real IMAP clients over real sockets.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { loadConfig } from '../../../../src/config/load.ts'
import { silentLogger } from '../../../../src/core/logger.ts'
import { type RunningServer, startServer } from '../../../../src/core/server.ts'
import { freePortFlags } from '../../../support/binary.ts'

export const HOST = 'imap.local.test'
export const ANN = { email: 'ann@local.test', password: 'correct horse battery staple' }

export interface ImapInteropServer {
  server: RunningServer
  dir: string
  accountId: number
  /** IMAP with STARTTLS and IMAP over implicit TLS. */
  ports: { imap: number; imaps: number }
  /** The self-signed certificate the server generated (<dataDir>/tls/self-signed.crt). */
  caFile: string
  ca: string
  stop(): Promise<void>
}

export async function startImapInteropServer(): Promise<ImapInteropServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'imap-interop-'))
  const set = freePortFlags.filter(f => f !== '--set')
  const { config } = loadConfig({
    // Interop clients log in several times from 127.0.0.1; throttling has its own tests.
    flags: { set: [...set, 'limits.authFailuresBeforeThrottle=1000'], 'data-dir': dir, hostname: HOST },
    env: {},
    cwd: dir,
    searchPaths: [],
  })
  const server = await startServer(config, silentLogger)
  const port = (name: string) => server.mail.listeners().find(l => l.name === name)?.port ?? 0
  await server.deps.storage.domains.add('local.test')
  const account = await server.deps.storage.accounts.create({ email: ANN.email, password: ANN.password })
  const caFile = path.join(dir, 'tls', 'self-signed.crt')
  return {
    server,
    dir,
    accountId: account.id,
    ports: { imap: port('imap'), imaps: port('imaps') },
    caFile,
    ca: fs.readFileSync(caFile, 'utf8'),
    async stop() {
      await server.stop(500)
      fs.rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** A small message with CRLF line ends. */
export function interopMessage(subject: string): string {
  return (
    `From: Bob <bob@local.test>\r\nTo: Ann <ann@local.test>\r\nSubject: ${subject}\r\n` +
    `Date: Tue, 1 Apr 2025 10:00:00 +0000\r\nMessage-ID: <${subject.replace(/\W/g, '')}@local.test>\r\n\r\nHello.\r\n`
  )
}
