// Issue 6: deletions through POP3 appear as EXPUNGE to a concurrent IMAP session (imapflow, IDLE),
// and only once the POP3 session QUITs (RFC 1939 §6: the UPDATE state applies them).
import { afterAll, beforeAll, expect, test } from 'bun:test'
import tls from 'node:tls'
import { ImapFlow } from 'imapflow'
import { DOMAIN, PASSWORD, type Pop3TestServer, startPop3TestServer, testMessage } from './support/pop3-server.ts'

let t: Pop3TestServer

beforeAll(async () => {
  t = await startPop3TestServer()
})
afterAll(() => t.stop())

/** A POP3 client over implicit TLS that sends one command at a time and returns each reply's first line. */
async function pop3Session(port: number) {
  const socket = tls.connect({ host: '127.0.0.1', port, rejectUnauthorized: false })
  let buffer = ''
  const waiters: ((line: string) => void)[] = []
  socket.setEncoding('utf8')
  socket.on('data', (chunk: string) => {
    buffer += chunk
    for (let nl = buffer.indexOf('\r\n'); nl >= 0 && waiters.length > 0; nl = buffer.indexOf('\r\n')) {
      const line = buffer.slice(0, nl)
      buffer = buffer.slice(nl + 2)
      waiters.shift()?.(line)
    }
  })
  const next = () => new Promise<string>(resolve => waiters.push(resolve))
  const greeting = await next()
  const send = (line: string) => {
    const reply = next()
    socket.write(`${line}\r\n`)
    return reply
  }
  return { greeting, send, close: () => socket.end() }
}

test('POP3 DELE + QUIT shows up as EXPUNGE in an IDLE IMAP session, not before QUIT', async () => {
  const id = await t.addAccount('mixed')
  await t.append(id, [testMessage(1), testMessage(2), testMessage(3)])
  const imapPort = t.server.mail.listeners().find(l => l.name === 'imap')?.port ?? 0
  const imap = new ImapFlow({
    host: '127.0.0.1',
    port: imapPort,
    secure: false,
    auth: { user: `mixed@${DOMAIN}`, pass: PASSWORD },
    tls: { rejectUnauthorized: false },
    logger: false,
  })
  const expunged: number[] = []
  imap.on('expunge', (e: { seq: number }) => expunged.push(e.seq))
  await imap.connect()
  const lock = await imap.getMailboxLock('INBOX')
  try {
    expect((imap.mailbox as { exists: number }).exists).toBe(3)
    const pop = await pop3Session(t.ports.pop3s)
    expect(pop.greeting).toStartWith('+OK')
    expect(await pop.send(`USER mixed@${DOMAIN}`)).toStartWith('+OK')
    expect(await pop.send(`PASS ${PASSWORD}`)).toStartWith('+OK')
    expect(await pop.send('DELE 1')).toStartWith('+OK')
    expect(await pop.send('DELE 3')).toStartWith('+OK')
    await imap.noop()
    expect(expunged).toEqual([]) // nothing happens before QUIT
    expect(await pop.send('QUIT')).toStartWith('+OK')
    pop.close()
    for (let i = 0; i < 100 && expunged.length < 2; i++) {
      await imap.noop()
      await Bun.sleep(20)
    }
    expect(expunged.length).toBe(2)
    expect((imap.mailbox as { exists: number }).exists).toBe(1)
  } finally {
    lock.release()
    await imap.logout()
  }
})
