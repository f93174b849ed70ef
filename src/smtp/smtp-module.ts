// The SMTP protocol module `serve` starts (core/protocols.ts): the three SMTP endpoints over the
// inbound pipeline (recipient policy, authentication results, durable delivery). The pipeline, like
// the session code, loads with the first SMTP connection (net/lazy-session-factory.ts), once for
// all three ports.
import type { ProtocolModule } from '../core/protocols.ts'
import type { InboundPipeline } from './inbound/inbound-types.ts'
import { smtpEndpoints } from './session/smtp-endpoints.ts'

export const smtpModule: ProtocolModule = deps => {
  let pipeline: Promise<InboundPipeline> | null = null
  const loadPipeline = () => {
    pipeline ??= import('./inbound/pipeline.ts').then(m => m.createInboundPipeline(deps))
    return pipeline
  }
  return smtpEndpoints(deps, loadPipeline)
}
