// Rules that span keys, run after the schema accepted each value on its own. Errors stop the server like
// any bad value; warnings are printed at start and by `config check`.
import type { ConfigIssue } from './config-error.ts'
import { enabledListenerPorts } from './listeners.ts'
import type { Config } from './schema.ts'

export type SourceOf = (key: string) => string

function checkTlsFiles(config: Config, sourceOf: SourceOf, out: ConfigIssue[]): void {
  const { certFile, keyFile } = config.tls
  if ((certFile === '') === (keyFile === '')) return
  const missing = certFile === '' ? 'tls.certFile' : 'tls.keyFile'
  const present = certFile === '' ? 'tls.keyFile' : 'tls.certFile'
  out.push({
    key: missing,
    source: sourceOf(present),
    message: `${present} is set but ${missing} is empty; set both (certificate chain and private key) or neither (self-signed certificate)`,
  })
}

function checkRelay(config: Config, sourceOf: SourceOf, out: ConfigIssue[]): void {
  if (config.delivery.method !== 'relay') return
  const source = sourceOf('delivery.method')
  if (config.delivery.relay.host === '')
    out.push({ key: 'delivery.relay.host', source, message: 'delivery.method is "relay" but no relay host is set' })
  if (config.delivery.relay.port === 0)
    out.push({
      key: 'delivery.relay.port',
      source: sourceOf('delivery.relay.port'),
      message: 'the relay port cannot be 0',
    })
}

function checkProductionHostname(config: Config, sourceOf: SourceOf, out: ConfigIssue[]): void {
  if (config.profile !== 'production' || config.hostname.toLowerCase() !== 'localhost') return
  out.push({
    key: 'hostname',
    source: sourceOf('hostname'),
    message:
      'the production profile needs the public host name (the MX target, e.g. mail.example.org), not "localhost"; set hostname in the config file, MAIL_HOSTNAME or SMTP_HOSTNAME',
  })
}

function checkPortCollisions(config: Config, sourceOf: SourceOf, out: ConfigIssue[]): void {
  const firstUser = new Map<number, string>()
  for (const { key, port } of enabledListenerPorts(config)) {
    if (port === 0) continue // each port-0 listener gets its own free port
    const other = firstUser.get(port)
    if (other) out.push({ key, source: sourceOf(key), message: `port ${port} is already used by ${other}` })
    else firstUser.set(port, key)
  }
}

function checkDnsServers(config: Config, sourceOf: SourceOf, out: ConfigIssue[]): void {
  config.dns.servers.forEach((server, i) => {
    const port = /:(\d+)$/.exec(server.startsWith('[') ? server.slice(server.indexOf(']')) : server)?.[1]
    if (port !== undefined && (Number(port) < 1 || Number(port) > 65535))
      out.push({
        key: `dns.servers[${i}]`,
        source: sourceOf('dns.servers'),
        message: `port must be between 1 and 65535, got ${JSON.stringify(server)}`,
      })
  })
}

/** Cross-field errors; an empty list means the config is usable. */
export function checkConfig(config: Config, sourceOf: SourceOf): ConfigIssue[] {
  const out: ConfigIssue[] = []
  checkTlsFiles(config, sourceOf, out)
  checkRelay(config, sourceOf, out)
  checkProductionHostname(config, sourceOf, out)
  checkPortCollisions(config, sourceOf, out)
  checkDnsServers(config, sourceOf, out)
  return out
}

const isLoopback = (address: string) =>
  /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(address) || address === '::1' || address.toLowerCase() === 'localhost'

/** Legal but probably unintended settings. */
export function configWarnings(config: Config): string[] {
  const out: string[] = []
  if (config.profile === 'dev') {
    const exposed = config.bind.filter(a => !isLoopback(a))
    if (exposed.length > 0)
      out.push(
        `bind: the dev profile listens on ${exposed.join(', ')}, not only loopback; dev accounts and the self-signed certificate become reachable from the network`,
      )
  }
  if (config.profile === 'production') {
    if (config.smtp.allowInsecureAuth)
      out.push('smtp.allowInsecureAuth: AUTH is offered without TLS in production; passwords can be read on the wire')
    if (config.smtp.trap)
      out.push(
        'smtp.trap: trap mode accepts mail for any address without AUTH and files it in one mailbox; it is meant for development',
      )
    if (!config.hostname.includes('.'))
      out.push(
        `hostname: "${config.hostname}" is not fully qualified; remote servers check the HELO name and the certificate against it`,
      )
  }
  return out
}
