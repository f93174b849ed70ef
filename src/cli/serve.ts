// `mail-server serve`: start every enabled listener and run until SIGTERM/SIGINT (graceful drain,
// bounded by shutdownGraceSeconds). SIGHUP re-reads the configuration and the certificates.
import { defineCommand } from 'citty'
import { configChangesNeedingRestart } from '../config/live-reload.ts'
import { errorMessage } from '../core/errors.ts'
import { startServer } from '../core/server.ts'
import { configArgs } from './common-args.ts'
import { loadCliContext } from './context.ts'

export const serveCommand = defineCommand({
  meta: { name: 'serve', description: 'Run the mail server (SMTP, IMAP, POP3, HTTP) until stopped' },
  args: {
    ...configArgs,
    trap: {
      type: 'boolean',
      description: 'Trap mode: accept mail for any address without AUTH into one mailbox (dev)',
    },
  },
  async run({ args, rawArgs: given }) {
    // --trap is smtp.trap=true in the flags layer, the same as `--set smtp.trap=true`.
    const rawArgs = args.trap ? [...given, '--set', 'smtp.trap=true'] : given
    const { config, logger } = await loadCliContext(args, rawArgs)
    const server = await startServer(config, logger)

    let stopping = false
    const stop = async (signal: string) => {
      if (stopping) return
      stopping = true
      logger.info('stopping', { signal, graceSeconds: config.shutdownGraceSeconds })
      await server.stop(config.shutdownGraceSeconds * 1000)
      logger.info('stopped', { signal })
      process.exit(0)
    }
    process.on('SIGTERM', () => void stop('SIGTERM'))
    process.on('SIGINT', () => void stop('SIGINT'))
    process.on('SIGHUP', async () => {
      try {
        const next = await loadCliContext(args, rawArgs)
        logger.setLevel(next.config.log.level)
        const restart = configChangesNeedingRestart(config, next.config)
        if (restart.length) logger.warn('changed settings take effect after a restart', { keys: restart })
        await server.reload()
        logger.info('reloaded', { signal: 'SIGHUP' })
      } catch (e) {
        // A broken edit must not take a running server down: keep the old configuration.
        logger.error('reload failed; keeping the running configuration', { error: errorMessage(e) })
      }
    })
    // Keep running: the listeners hold the event loop open.
  },
})
