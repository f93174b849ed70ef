// The root command. Subcommands load lazily so `mail-server version` does not pay for the server.
import { defineCommand } from 'citty'
import { buildInfo } from '../core/version.ts'

export const rootCommand = defineCommand({
  meta: {
    name: 'mail-server',
    version: buildInfo().version,
    description: 'Self-hosted mail server: SMTP, IMAP, POP3, CalDAV/CardDAV, REST API and admin UI in one binary',
  },
  subCommands: {
    serve: () => import('./serve.ts').then(m => m.serveCommand),
    user: () => import('./user.ts').then(m => m.userCommand),
    domain: () => import('./domain.ts').then(m => m.domainCommand),
    alias: () => import('./alias.ts').then(m => m.aliasCommand),
    config: () => import('./config.ts').then(m => m.configCommand),
    migrate: () => import('./migrate.ts').then(m => m.migrateCommand),
    version: () => import('./version.ts').then(m => m.versionCommand),
    queue: () => import('./queue.ts').then(m => m.queueCommand),
    dkim: () => import('./dkim.ts').then(m => m.dkimCommand),
    admin: () => import('./admin.ts').then(m => m.adminCommand),
    token: () => import('./token.ts').then(m => m.tokenCommand),
    cloud: () => import('./cloud.ts').then(m => m.cloudCommand),
    deploy: () => import('./deploy.ts').then(m => m.deployCommand),
    backup: () => import('./backup.ts').then(m => m.backupCommand),
    import: () => import('./import.ts').then(m => m.importCommand),
    export: () => import('./export.ts').then(m => m.exportCommand),
  },
})
