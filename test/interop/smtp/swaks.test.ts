// swaks against the SMTP endpoints: AUTH PLAIN/LOGIN over STARTTLS and implicit TLS with a verified
// certificate, a wrong password, relaying without AUTH, SIZE excess found during DATA, and the bare-LF
// SMTP smuggling variant (`--data` with `\n.\n`, sent unmodified with --no-data-fixup).
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { ANN, type SmtpTestServer, startSmtpTestServer } from './support/smtp-test-server.ts'

const swaksBin = Bun.which('swaks')
let server: SmtpTestServer
let normalizing: SmtpTestServer
let small: SmtpTestServer

beforeAll(async () => {
  ;[server, normalizing, small] = await Promise.all([
    startSmtpTestServer(),
    startSmtpTestServer({ smtp: { bareLineEndings: 'normalize' } }),
    startSmtpTestServer({ smtp: { maxMessageSize: 64 * 1024 } }),
  ])
})
afterAll(() => Promise.all([server?.stop(), normalizing?.stop(), small?.stop()]))

async function swaks(args: string[]) {
  const proc = Bun.spawn([swaksBin as string, '--helo', 'swaks.example', ...args], { stdout: 'pipe', stderr: 'pipe' })
  const killer = setTimeout(() => proc.kill(), 15_000) // hang guard only
  const [stdout, stderr, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ])
  clearTimeout(killer)
  return { code, out: stdout + stderr }
}

const tls = (target: SmtpTestServer) => ['--tls-verify', '--tls-ca-path', target.caFile]
const text = (bytes: Uint8Array | undefined) => new TextDecoder().decode(bytes)

/**
 * A DATA portion where `\n.\n` would end the message for a lenient server, and a forged second one
 * follows. It ends in CRLF "." and swaks adds the final CRLF, so the real end marker is there.
 */
const SMUGGLED_CONTENT =
  'From: ann@example.test\nSubject: smuggle\n\nfirst message\n.\nMAIL FROM:<forged@victim.test>\nRCPT TO:<bob@example.test>\nDATA\nSubject: forged\n\nforged message'
const SMUGGLED = `${SMUGGLED_CONTENT}\r\n.`

describe.skipIf(!swaksBin)('swaks', () => {
  test('submission: STARTTLS (verified certificate) and AUTH PLAIN', async () => {
    const r = await swaks([
      '--server',
      `localhost:${server.ports.submission}`,
      '--tls',
      ...tls(server),
      '--auth',
      'PLAIN',
      '--auth-user',
      ANN.email,
      '--auth-password',
      ANN.password,
      '--from',
      ANN.email,
      '--to',
      'friend@elsewhere.test',
      '--header',
      'Subject: swaks plain',
    ])
    expect(r.out).toContain('235 2.7.0')
    expect(r.code).toBe(0)
    const delivery = server.pipeline.deliveries.at(-1)
    expect(text(delivery?.message)).toContain('Subject: swaks plain\r\n')
    expect(delivery?.ctx.auth?.email).toBe(ANN.email)
    expect(delivery?.ctx.helo).toBe('swaks.example')
  })

  test('submissions: implicit TLS and AUTH LOGIN', async () => {
    const r = await swaks([
      '--server',
      `localhost:${server.ports.submissions}`,
      '--tls-on-connect',
      ...tls(server),
      '--auth',
      'LOGIN',
      '--auth-user',
      ANN.email,
      '--auth-password',
      ANN.password,
      '--from',
      ANN.email,
      '--to',
      'bob@example.test',
    ])
    expect(r.out).toContain('334 VXNlcm5hbWU6')
    expect(r.code).toBe(0)
  })

  test('wrong password → 535 5.7.8, nothing sent', async () => {
    const before = server.pipeline.deliveries.length
    const r = await swaks([
      '--server',
      `localhost:${server.ports.submission}`,
      '--tls',
      '--auth',
      'PLAIN',
      '--auth-user',
      ANN.email,
      '--auth-password',
      'not the password',
      '--to',
      'bob@example.test',
    ])
    expect(r.out).toContain('535 5.7.8')
    expect(r.code).not.toBe(0)
    expect(server.pipeline.deliveries.length).toBe(before)
  })

  test('MX: relaying without AUTH is refused', async () => {
    const r = await swaks([
      '--server',
      `127.0.0.1:${server.ports.mx}`,
      '--from',
      'a@remote.test',
      '--to',
      'victim@elsewhere.test',
    ])
    expect(r.out).toContain('554 5.7.1')
    expect(r.code).not.toBe(0)
  })

  test('SIZE: a message over the limit (not declared) → 552 5.3.4 after DATA', async () => {
    const r = await swaks([
      '--server',
      `127.0.0.1:${small.ports.mx}`,
      '--from',
      'a@remote.test',
      '--to',
      'bob@example.test',
      '--body',
      `${'y'.repeat(70)}\n`.repeat(1200),
    ])
    expect(r.out).toContain('552 5.3.4')
    expect(r.code).not.toBe(0)
    expect(small.pipeline.deliveries).toHaveLength(0)
  })

  test("bare-LF smuggling with the default 'reject': 550 5.5.2, no message, no forged MAIL", async () => {
    const before = server.pipeline.calls.length
    const r = await swaks([
      '--server',
      `127.0.0.1:${server.ports.mx}`,
      '--from',
      'ann@example.test',
      '--to',
      'bob@example.test',
      '--no-data-fixup',
      '--data',
      SMUGGLED,
    ])
    expect(r.out).toContain('550 5.5.2')
    const calls = server.pipeline.calls.slice(before)
    expect(calls).toEqual(['MAIL ann@example.test', 'RCPT bob@example.test'])
  })

  test("bare-LF smuggling with 'normalize': one message holding both parts, CRLF only", async () => {
    const r = await swaks([
      '--server',
      `127.0.0.1:${normalizing.ports.mx}`,
      '--from',
      'ann@example.test',
      '--to',
      'bob@example.test',
      '--no-data-fixup',
      '--data',
      SMUGGLED,
    ])
    expect(r.code).toBe(0)
    expect(normalizing.pipeline.deliveries).toHaveLength(1)
    expect(normalizing.pipeline.calls.filter(c => c.startsWith('MAIL'))).toEqual(['MAIL ann@example.test'])
    const message = text(normalizing.pipeline.deliveries[0]?.message)
    expect(message).toBe(`${SMUGGLED_CONTENT.replace(/\n/g, '\r\n')}\r\n`)
    expect(message).not.toMatch(/[^\r]\n/)
  })
})
