// /etc/mail/mail.env (seed: "Config: /etc/mail/mail.env"), read by systemd's EnvironmentFile=. The
// names come from the config schema (MAIL_<PATH>), so a renamed key breaks the test, not production.
import { envVarName } from '../src/config/env-names.ts'
import type { CloudParameters } from './parameters.ts'

/** Where the certbot deploy hook copies the certificate, readable by the service user. */
export const TLS_DIR = '/etc/mail/tls'

export function mailEnvEntries(p: CloudParameters): [string, string][] {
  return [
    [envVarName('profile'), 'production'],
    [envVarName('hostname'), p.hostname],
    [envVarName('dataDir'), p.install.dir],
    [envVarName('delivery.method'), p.ses ? 'ses' : 'direct'],
    [envVarName('delivery.ses.region'), p.region],
    [envVarName('log.format'), 'json'],
  ]
}

/**
 * Appended once certbot has issued the certificate. Until then the server runs on its generated
 * self-signed certificate instead of refusing to start over a missing file.
 */
export function tlsEnvEntries(): [string, string][] {
  return [
    [envVarName('tls.certFile'), `${TLS_DIR}/fullchain.pem`],
    [envVarName('tls.keyFile'), `${TLS_DIR}/privkey.pem`],
  ]
}

const lines = (entries: [string, string][]) => entries.map(([k, v]) => `${k}=${v}\n`).join('')

export function renderMailEnv(p: CloudParameters): string {
  return `# mail-server settings, written at first boot by the stack's user data.\n${lines(mailEnvEntries(p))}`
}

export const renderTlsEnv = (): string => lines(tlsEnvEntries())
