// Walks a parsed MIME tree with section paths, and checks the offset invariants every tree must
// keep whatever the input: each part lies inside its parent's body, in order, without overlap.
import type { MimePart } from '../../../../src/imap/message/index.ts'

export interface PartAt {
  path: number[]
  part: MimePart
}

/** Every addressable part with its section path, as FETCH numbers them (RFC 9051 §6.4.5). */
export function partsWithPaths(root: MimePart): PartAt[] {
  const out: PartAt[] = []
  const add = (part: MimePart, path: number[]) => {
    out.push({ path, part })
    const inner = part.children !== undefined ? part : part.message
    if (inner === undefined) return
    // Inside a multipart: its parts. Inside message/rfc822: the parts of the encapsulated
    // message, or its body as part 1 when it is not multipart.
    if (inner.children !== undefined) inner.children.forEach((child, i) => add(child, [...path, i + 1]))
    else add(inner, [...path, 1])
  }
  if (root.children !== undefined) root.children.forEach((child, i) => add(child, [i + 1]))
  else add(root, [1])
  return out
}

/** Problems with the offsets of `part` and everything below it; empty when the tree is sound. */
export function offsetProblems(part: MimePart, length: number, floor = 0, ceiling = length): string[] {
  const problems: string[] = []
  const where = `part ${part.start}-${part.end}`
  if (!(floor <= part.start && part.start <= part.bodyStart && part.bodyStart <= part.end && part.end <= ceiling)) {
    problems.push(
      `${where}: offsets out of order or outside [${floor}, ${ceiling}]: ${part.start} ${part.bodyStart} ${part.end}`,
    )
  }
  if (part.children !== undefined) {
    if (part.children.length === 0) problems.push(`${where}: multipart without children`)
    let previousEnd = part.bodyStart
    for (const child of part.children) {
      if (child.start < previousEnd) problems.push(`${where}: child at ${child.start} overlaps ${previousEnd}`)
      problems.push(...offsetProblems(child, length, part.bodyStart, part.end))
      previousEnd = child.end
    }
  }
  if (part.message !== undefined) {
    if (part.message.start !== part.bodyStart || part.message.end !== part.end) {
      problems.push(`${where}: encapsulated message does not fill the body`)
    }
    problems.push(...offsetProblems(part.message, length, part.bodyStart, part.end))
  }
  if (part.children !== undefined && part.message !== undefined) problems.push(`${where}: both children and message`)
  const type = part.type.toLowerCase()
  if (type === 'multipart' && part.children === undefined) problems.push(`${where}: multipart leaf`)
  if (type === 'text' && part.lines === undefined) problems.push(`${where}: text part without lines`)
  return problems
}
