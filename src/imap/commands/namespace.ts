// NAMESPACE (RFC 2342, RFC 9051 §6.3.10): one personal namespace with no prefix and "/" as the
// hierarchy delimiter; no other users' or shared namespaces.
import { HIERARCHY_DELIMITER } from '../../storage/index.ts'
import { NIL, list, raw, str } from '../protocol/serializer.ts'
import { AUTHENTICATED, defineCommand } from '../session/command-context.ts'

export const namespaceCommand = defineCommand({
  name: 'NAMESPACE',
  states: AUTHENTICATED,
  run(ctx) {
    ctx.untagged([raw('NAMESPACE'), list([list([str(''), str(HIERARCHY_DELIMITER)])]), NIL, NIL])
    return undefined
  },
})
