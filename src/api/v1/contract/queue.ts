// The outbound queue: messages waiting for remote delivery.
import { z } from 'zod'
import { QUEUE_STATES } from '../../../delivery/queue/queue-state.ts'
import { defineOperation } from '../operation.ts'
import { isoTime, pageOf, pageQueryShape } from './common.ts'

export const queueRecipientSchema = z.object({
  address: z.string(),
  status: z.enum(['pending', 'delivered', 'deferred', 'failed']).describe('pending = not tried yet'),
  diagnostic: z.string().nullable().describe('What the last attempt for this recipient got'),
})

export const queueEntrySchema = z.object({
  id: z.string(),
  createdAt: isoTime('When the message was accepted'),
  sender: z.string().describe('Envelope sender (MAIL FROM); empty for the null sender <>'),
  domain: z.string().describe('Recipient domain of this entry (one entry per domain)'),
  recipients: z.array(queueRecipientSchema),
  size: z.number().int().describe('Message size in bytes'),
  state: z.enum(QUEUE_STATES),
  attempts: z.number().int(),
  nextAttemptAt: isoTime('When the next delivery attempt is due'),
  lastAttemptAt: isoTime('When the last attempt ran').nullable(),
  lastError: z.string().nullable().describe('Why the last attempt failed'),
  accountId: z.number().int().nullable().describe('Submitting account, null for forwarded mail'),
})

const queueParams = z.strictObject({ id: z.string().min(1).max(100).describe('Queue entry id') })

export const queueOperations = {
  listQueue: defineOperation({
    operationId: 'listQueue',
    method: 'get',
    path: '/queue',
    tag: 'queue',
    summary: 'List queued outbound messages, oldest first',
    scope: 'read',
    query: z.strictObject({
      ...pageQueryShape,
      state: z.enum(QUEUE_STATES).optional().describe('Only entries in this state'),
    }),
    status: 200,
    response: pageOf(queueEntrySchema),
    errors: [400],
  }),
  getQueueEntry: defineOperation({
    operationId: 'getQueueEntry',
    method: 'get',
    path: '/queue/{id}',
    tag: 'queue',
    summary: 'Show one queued message',
    scope: 'read',
    params: queueParams,
    status: 200,
    response: queueEntrySchema,
    errors: [400, 404],
  }),
  retryQueueEntry: defineOperation({
    operationId: 'retryQueueEntry',
    method: 'post',
    path: '/queue/{id}/retry',
    tag: 'queue',
    summary: 'Make a queued or deferred message due for delivery now (409 when it is finished or in flight)',
    scope: 'write',
    params: queueParams,
    status: 200,
    response: queueEntrySchema,
    errors: [400, 404, 409],
  }),
  dropQueueEntry: defineOperation({
    operationId: 'dropQueueEntry',
    method: 'delete',
    path: '/queue/{id}',
    tag: 'queue',
    summary: 'Drop a queued message without delivering it (no bounce is sent)',
    scope: 'write',
    params: queueParams,
    status: 204,
    errors: [400, 404],
  }),
} as const
