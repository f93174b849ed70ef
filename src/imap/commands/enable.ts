// ENABLE capability... (RFC 5161, RFC 9051 §6.3.1): turns on CONDSTORE, QRESYNC (RFC 7162 §3.2.3,
// which implies CONDSTORE), UTF8=ACCEPT (RFC 6855 §3) and IMAP4rev2. `* ENABLED` lists the ones
// this command newly enabled; unknown names are ignored (RFC 5161 §3.1).
import { raw } from '../protocol/serializer.ts'
import { type EnableableExtension, defineCommand } from '../session/command-context.ts'

const ENABLEABLE: Readonly<Record<string, EnableableExtension>> = {
  CONDSTORE: 'CONDSTORE',
  QRESYNC: 'QRESYNC',
  'UTF8=ACCEPT': 'UTF8=ACCEPT',
  IMAP4REV2: 'IMAP4REV2',
}

/** How each is spelled in the ENABLED response (as advertised). */
const SPELLING: Readonly<Record<EnableableExtension, string>> = {
  CONDSTORE: 'CONDSTORE',
  QRESYNC: 'QRESYNC',
  'UTF8=ACCEPT': 'UTF8=ACCEPT',
  IMAP4REV2: 'IMAP4rev2',
}

export const enableCommand = defineCommand({
  name: 'ENABLE',
  // RFC 5161 §3.1 / RFC 9051 §6.3.1: only in the authenticated state.
  states: ['authenticated'],
  run(ctx, command) {
    const enabled: string[] = []
    for (const name of command.capabilities) {
      const extension = ENABLEABLE[name]
      if (extension !== undefined && ctx.enable(extension)) enabled.push(SPELLING[extension])
    }
    ctx.untagged([raw('ENABLED'), ...enabled.map(e => raw(e))])
    return undefined
  },
})
