// Maildir unique names (https://cr.yp.to/proto/maildir.html, Dovecot's variant):
//
//   <seconds>.M<microseconds>P<pid>Q<counter>R<random hex>.<host>,S=<size>
//
// M/P/Q are what Dovecot writes; R (a random number, listed in the Maildir spec, drawn once per
// generator) keeps two generators in one process — two storage instances on the same data
// directory, as in tests — from colliding within the same microsecond. ",S=<size>" is the physical
// size, which Dovecot and Courier read instead of stat()ing. In the host name, '/' and ':' are
// written as "\057" and "\072" (the spec) and ',' as "\054", because ',' starts the S= field.
import { hostname as osHostname } from 'node:os'
import type { Clock } from '../../core/clock.ts'

export interface UniqueNameGenerator {
  /** A new unique part without the size (used for the file in tmp/). */
  next(): string
}

export interface UniqueNameOptions {
  clock: Clock
  host?: string
  pid?: number
}

export function createUniqueNameGenerator(options: UniqueNameOptions): UniqueNameGenerator {
  const host = escapeHost(options.host ?? osHostname())
  const pid = options.pid ?? process.pid
  let counter = 0
  // Drawn once per generator: with the counter, which never repeats within one generator, it keeps
  // names apart across generators; a draw per name cost more than the rest of the name.
  const random = Buffer.from(crypto.getRandomValues(new Uint8Array(4))).toString('hex')
  const tail = `R${random}.${host}`
  return {
    next() {
      counter++
      const ms = options.clock.now()
      const seconds = Math.floor(ms / 1000)
      const micros = (ms % 1000) * 1000 + (counter % 1000)
      return `${seconds}.M${micros}P${pid}Q${counter}${tail}`
    },
  }
}

/** Final base name in cur/: the unique part plus the size field. */
export const withSize = (unique: string, size: number) => `${unique},S=${size}`

export function escapeHost(host: string): string {
  const escaped = host.replaceAll('/', '\\057').replaceAll(':', '\\072').replaceAll(',', '\\054')
  return escaped === '' ? 'localhost' : escaped
}

/** The seconds field of a unique name (the delivery time), or null for names from unusual tools. */
export function deliveredSeconds(base: string): number | null {
  const m = /^(\d{9,11})\./.exec(base)
  return m ? Number(m[1]) : null
}
