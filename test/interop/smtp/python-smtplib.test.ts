// Python's smtplib against the SMTP endpoints: STARTTLS + login + sendmail on submission, SMTP_SSL
// on submissions, and the SIZE limit (smtplib declares SIZE= itself). Exit code and the exact bytes
// the pipeline received are checked.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { join } from 'node:path'
import { ANN, type SmtpTestServer, sampleMessage, startSmtpTestServer } from './support/smtp-test-server.ts'

const python = Bun.which('python3')
const SCRIPT = join(import.meta.dir, 'support', 'smtplib-client.py')
let server: SmtpTestServer
let small: SmtpTestServer

beforeAll(async () => {
  ;[server, small] = await Promise.all([
    startSmtpTestServer(),
    startSmtpTestServer({ smtp: { maxMessageSize: 64 * 1024 } }),
  ])
})
afterAll(() => Promise.all([server?.stop(), small?.stop()]))

async function smtplib(
  target: SmtpTestServer,
  args: {
    mode: 'starttls' | 'ssl' | 'plain'
    port: number
    auth?: 'PLAIN' | 'LOGIN' | 'login'
    from: string
    to: string[]
  },
  message: string | Uint8Array,
) {
  const file = join(target.dir, `message-${crypto.randomUUID()}.eml`)
  await Bun.write(file, message)
  const login = args.auth !== undefined
  const proc = Bun.spawn(
    [
      python as string,
      SCRIPT,
      args.mode,
      String(args.port),
      target.caFile,
      login ? ANN.email : '-',
      login ? ANN.password : '-',
      args.auth === 'PLAIN' || args.auth === 'LOGIN' ? args.auth : '-',
      args.from,
      args.to.join(','),
      file,
    ],
    { stdout: 'pipe', stderr: 'pipe' },
  )
  const killer = setTimeout(() => proc.kill(), 15_000) // hang guard only
  const [stdout, stderr, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ])
  clearTimeout(killer)
  return { code, stdout, stderr }
}

const text = (bytes: Uint8Array | undefined) => new TextDecoder().decode(bytes)

describe.skipIf(!python)('Python smtplib', () => {
  test.each(['PLAIN', 'LOGIN'] as const)('submission: starttls, AUTH %s, sendmail', async auth => {
    const message = sampleMessage(`python ${auth}`)
    const r = await smtplib(
      server,
      { mode: 'starttls', port: server.ports.submission, auth, from: ANN.email, to: ['friend@elsewhere.test'] },
      message,
    )
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    const delivery = server.pipeline.deliveries.at(-1)
    expect(text(delivery?.message)).toBe(message)
    expect(delivery?.ctx).toMatchObject({ port: 'submission', esmtp: true, helo: 'python.example' })
    expect(delivery?.ctx.auth?.email).toBe(ANN.email)
    expect(delivery?.from.size).toBe(Buffer.byteLength(message))
  })

  test('submissions: SMTP_SSL and login()', async () => {
    const message = sampleMessage('python ssl', 'line\r\n.\r\n..\r\nend\r\n')
    const r = await smtplib(
      server,
      { mode: 'ssl', port: server.ports.submissions, auth: 'login', from: ANN.email, to: ['bob@example.test'] },
      message,
    )
    expect(r.code).toBe(0)
    expect(text(server.pipeline.deliveries.at(-1)?.message)).toBe(message)
  })

  test('MX without login: local recipient accepted, relay refused', async () => {
    const ok = await smtplib(
      server,
      { mode: 'plain', port: server.ports.mx, from: 'a@remote.test', to: ['bob@example.test'] },
      sampleMessage('mx'),
    )
    expect(ok.code).toBe(0)
    const relay = await smtplib(
      server,
      { mode: 'plain', port: server.ports.mx, from: 'a@remote.test', to: ['victim@elsewhere.test'] },
      sampleMessage('relay'),
    )
    expect(relay.code).toBe(4)
    expect(relay.stdout).toContain('554')
  })

  test('SIZE: a message over the limit is refused at MAIL with 552 5.3.4', async () => {
    const big = sampleMessage('too big', `${'x'.repeat(70)}\r\n`.repeat(1000))
    const r = await smtplib(
      small,
      { mode: 'plain', port: small.ports.mx, from: 'a@remote.test', to: ['bob@example.test'] },
      big,
    )
    expect(r.code).toBe(3)
    expect(r.stdout).toStartWith('552 5.3.4')
    expect(small.pipeline.deliveries).toHaveLength(0)
  })
})
