// The package's `./sdk` export: a typed TypeScript client for the mail-server REST API.
export type {
  OperationRequest,
  OperationResponse,
} from '../api/v1/operation.ts'
export type { ApiOperations, OperationId } from '../api/v1/contract/index.ts'
export { MailServerApiError } from './api-client-error.ts'
export {
  clientOperationIds,
  createMailServerClient,
  listAll,
  type MailServerClient,
} from './mail-server-client.ts'
export type { MailServerClientOptions, OperationMethod } from './operation-caller.ts'
