// The systemd unit for the server (seed: "mail.service, runs as mail-server user with
// CAP_NET_BIND_SERVICE"). The binary binds 25/465/587/143/993/110/995/4190/80/443 without root
// through the ambient capability; everything else the service could do is taken away.
import type { CloudParameters } from './parameters.ts'

export function renderSystemdUnit(p: CloudParameters): string {
  const { dir, binaryName, user, envFile } = p.install
  return `[Unit]
Description=mail-server (SMTP, IMAP, POP3, ManageSieve, HTTP)
After=network-online.target
Wants=network-online.target
# Give up after 5 crashes in 5 minutes instead of restarting forever.
StartLimitIntervalSec=300
StartLimitBurst=5

[Service]
Type=simple
User=${user}
Group=${user}
EnvironmentFile=${envFile}
WorkingDirectory=${dir}
ExecStart=${dir}/${binaryName} serve
# SIGHUP re-reads the configuration and the certificates (src/cli/serve.ts).
ExecReload=/bin/kill -HUP $MAINPID
Restart=on-failure
RestartSec=5
# shutdownGraceSeconds (30) plus margin: SIGTERM drains sessions before the process exits.
TimeoutStopSec=45
LimitNOFILE=65536
UMask=0027

# Privileged ports without root.
AmbientCapabilities=CAP_NET_BIND_SERVICE
CapabilityBoundingSet=CAP_NET_BIND_SERVICE
NoNewPrivileges=true

# File system: read-only everywhere except the data directory; the binary itself stays read-only
# (root-owned, and bind-mounted read-only) so the service cannot replace its own code.
ProtectSystem=strict
ReadWritePaths=${dir}
ReadOnlyPaths=-${dir}/${binaryName}
ProtectHome=true
PrivateTmp=true
PrivateDevices=true
ProtectKernelTunables=true
ProtectKernelModules=true
ProtectKernelLogs=true
ProtectControlGroups=true
ProtectClock=true
ProtectHostname=true
ProtectProc=invisible
RestrictSUIDSGID=true
RestrictRealtime=true
RestrictNamespaces=true
LockPersonality=true
RemoveIPC=true
SystemCallArchitectures=native
RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX AF_NETLINK
# Not MemoryDenyWriteExecute: the JavaScript JIT needs writable+executable pages.

[Install]
WantedBy=multi-user.target
`
}
