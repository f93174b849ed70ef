// The email carrying a TLS report to a mailto: rua (RFC 8460 §5.3): multipart/report with
// report-type="tlsrpt", a short text part, and the gzipped JSON as application/tlsrpt+gzip named
// `<submitter>!<policy-domain>!<begin>!<end>!<id>.json.gz` (§5.1); the TLS-Report-Domain and
// TLS-Report-Submitter header fields and the Subject format of §5.3. (The queue DKIM-signs it, §5.3.)

export interface ReportMessageInput {
  from: string
  to: string
  /** Our host name (the submitter). */
  submitter: string
  policyDomain: string
  reportId: string
  /** Seconds since the epoch, for the file name. */
  begin: number
  end: number
  gzipped: Uint8Array
  date: Date
  messageId: string
}

const wrap = (base64: string) => base64.replace(/.{1,76}/g, line => `${line}\r\n`)

export function reportFileName(
  input: Pick<ReportMessageInput, 'submitter' | 'policyDomain' | 'begin' | 'end'>,
  uniqueId: string,
): string {
  return `${input.submitter}!${input.policyDomain}!${input.begin}!${input.end}!${uniqueId}.json.gz`
}

export function buildReportMessage(input: ReportMessageInput): Uint8Array {
  const boundary = `tlsrpt-${input.messageId.replace(/[^A-Za-z0-9]/g, '').slice(0, 40)}`
  const fileName = reportFileName(input, input.reportId.replace(/[^A-Za-z0-9._-]/g, '').slice(0, 60))
  const text =
    `This is an aggregate TLS report (RFC 8460) from ${input.submitter} for ${input.policyDomain}.\r\n` +
    `Report-ID: ${input.reportId}\r\n`
  const lines = [
    `From: <${input.from}>`,
    `To: <${input.to}>`,
    `Date: ${input.date.toUTCString().replace('GMT', '+0000')}`,
    `Subject: Report Domain: ${input.policyDomain} Submitter: ${input.submitter} Report-ID: <${input.reportId}>`,
    `Message-ID: <${input.messageId}>`,
    `TLS-Report-Domain: ${input.policyDomain}`,
    `TLS-Report-Submitter: ${input.submitter}`,
    'MIME-Version: 1.0',
    `Content-Type: multipart/report; report-type="tlsrpt"; boundary="${boundary}"`,
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 7bit',
    '',
    text,
    `--${boundary}`,
    'Content-Type: application/tlsrpt+gzip',
    'Content-Transfer-Encoding: base64',
    `Content-Disposition: attachment; filename="${fileName}"`,
    '',
    wrap(Buffer.from(input.gzipped).toString('base64')),
    `--${boundary}--`,
    '',
  ]
  return new TextEncoder().encode(lines.join('\r\n'))
}
