// The SMTP protocol module `serve` starts (core/protocols.ts): the three SMTP endpoints over the
// inbound pipeline (recipient policy, authentication results, durable delivery).
import type { ProtocolModule } from '../core/protocols.ts'
import { createInboundPipeline } from './inbound/pipeline.ts'
import { smtpEndpoints } from './session/smtp-endpoints.ts'

export const smtpModule: ProtocolModule = deps => smtpEndpoints(deps, createInboundPipeline(deps))
