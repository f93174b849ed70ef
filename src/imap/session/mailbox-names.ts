// Mailbox names as CREATE and RENAME take them: RFC 9051 §6.3.4 — a name with a trailing hierarchy
// delimiter means "I intend to create children under it"; the server creates the name without it.
import { HIERARCHY_DELIMITER } from '../../storage/index.ts'

export function withoutTrailingDelimiter(name: string): string {
  let end = name.length
  while (end > 1 && name[end - 1] === HIERARCHY_DELIMITER) end--
  return name.slice(0, end)
}
