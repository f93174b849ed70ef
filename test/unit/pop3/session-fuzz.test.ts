// Any line in any state gets exactly one answer and never breaks the session (STYLE.md test tier 3,
// mox FuzzServer): seeded random lines built from real keywords, numbers and junk bytes are fed to
// sessions before and after login; each must produce a response line and leave the session usable.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { loggedIn, message, openSession, type Pop3Fixture, pop3Fixture } from './support/pop3-harness.ts'

const KEYWORDS = [
  'USER',
  'PASS',
  'AUTH',
  'STAT',
  'LIST',
  'RETR',
  'DELE',
  'NOOP',
  'RSET',
  'TOP',
  'UIDL',
  'CAPA',
  'APOP',
  'XTND',
]
const ARGS = ['', '0', '1', '2', '3', '-1', '99999999999999999999', 'x', '1 1', '1 x', 'PLAIN', 'LOGIN', '=', '*', ' ']

/** Deterministic PRNG (mulberry32) so a failure can be replayed. */
function random(seed: number): () => number {
  let a = seed
  return () => {
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function randomLine(next: () => number): Uint8Array {
  const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)] as T
  const roll = next()
  if (roll < 0.15)
    return Uint8Array.from({ length: Math.floor(next() * 40) }, () => Math.floor(next() * 256)).map(b =>
      b === 0x0a ? 0x20 : b,
    )
  const keyword = roll < 0.3 ? pick(KEYWORDS).toLowerCase() : pick(KEYWORDS)
  const arg = pick(ARGS)
  return new TextEncoder().encode(arg === '' ? keyword : `${keyword} ${arg}`)
}

let f: Pop3Fixture
beforeAll(async () => {
  f = await pop3Fixture()
  await f.append(message('a', '.dot\r\nline\r\n'))
  await f.append(message('b'))
})
afterAll(() => f.cleanup())

describe('random lines', () => {
  test.each([1, 2, 3])('seed %p: every line is answered and the session survives', async seed => {
    const next = random(seed)
    for (const stage of ['authorization', 'transaction'] as const) {
      const options = { settings: { maxErrors: 1_000_000 } }
      const h = stage === 'authorization' ? openSession(f, options) : await loggedIn(f, options)
      for (let i = 0; i < 150; i++) {
        const line = randomLine(next)
        const out = await h.feed(new Uint8Array([...line, 0x0d, 0x0a]))
        // A SASL challenge ("+ ") is an answer too; "AUTH x" may start one.
        expect(out).toMatch(/^(\+OK|-ERR|\+ )/)
        expect(h.transport.closed).toBe(false)
      }
      // Leave SASL if a random AUTH started it; the session still answers commands.
      await h.send('*')
      expect(await h.send('CAPA')).toStartWith('+OK Capability list follows')
      await h.send('QUIT')
      expect(f.locks.held).toBe(0)
    }
  })
})
