// One span per IMAP command (RFC 9051 §2.2.1): from the parsed command to its tagged completion
// result. The IMAP session calls begin() when it dispatches a command and answered() when it
// writes the tagged OK/NO/BAD; an answer without a begun command (framing errors) records nothing.
import { noopSpan, type Span, type SpanAttributes } from './span.ts'
import type { Tracer } from './tracer.ts'

export class ImapCommandTrace {
  private span: Span = noopSpan

  constructor(
    private readonly tracer: Tracer,
    private readonly connection: SpanAttributes,
  ) {}

  begin(command: string, uid: boolean): void {
    this.span.end('unset') // a command that never got its answer (connection closed mid-command)
    const name = uid ? `UID ${command}` : command
    this.span = this.tracer.startSpan(`IMAP ${name}`, { ...this.connection, 'imap.command': name }, { kind: 'server' })
  }

  answered(status: 'OK' | 'NO' | 'BAD', text: string): void {
    this.span.setAttribute('imap.status', status)
    this.span.end(status === 'OK' ? 'ok' : 'error', status === 'OK' ? undefined : text)
    this.span = noopSpan
  }
}
