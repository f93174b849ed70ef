// Log rotation. The server logs JSON lines to stdout, so its logs live in the journal (bounded by a
// journald drop-in); files under /var/log/mail (deploy history, first-boot setup) rotate weekly.
export const LOG_DIR = '/var/log/mail'

export function renderLogrotate(): string {
  return `${LOG_DIR}/*.log {
    weekly
    rotate 12
    maxsize 50M
    compress
    delaycompress
    missingok
    notifempty
    copytruncate
    su root root
}
`
}

/** journald limits for the server's own output (`journalctl -u mail`). */
export function renderJournaldDropIn(): string {
  return `[Journal]
SystemMaxUse=1G
SystemMaxFileSize=100M
MaxRetentionSec=60day
`
}
