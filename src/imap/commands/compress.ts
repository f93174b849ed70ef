// COMPRESS DEFLATE (RFC 4978 §3): after the tagged OK both directions are raw DEFLATE
// (net/deflate-transport.ts). The OK is the last uncompressed byte the server sends: queued
// mailbox changes go out before it, and nothing may follow it in the clear (clients such as
// imapflow give up on trailing plaintext).
//
//   another algorithm          BAD (only DEFLATE is defined)
//   compression already on     NO [COMPRESSIONACTIVE]
import { syntaxError, userError } from '../../core/errors.ts'
import { AUTHENTICATED, defineCommand } from '../session/command-context.ts'

export const compressCommand = defineCommand({
  name: 'COMPRESS',
  states: AUTHENTICATED,
  run(ctx, command) {
    if (command.algorithm !== 'DEFLATE') throw syntaxError(`Unknown compression algorithm ${command.algorithm}`)
    if (ctx.compressionActive) throw userError('DEFLATE is already active', { imap: 'COMPRESSIONACTIVE' })
    return { text: 'DEFLATE active', afterResponse: () => ctx.startCompression() }
  },
})
