// Threads as trees and as the THREAD response (RFC 5256 §4):
//
//   thread-list    = "(" (thread-members / thread-nested) ")"
//   thread-members = nz-number *(SP nz-number) [SP thread-nested]
//   thread-nested  = 2*thread-list
//
// A message with one reply continues the same list (`(1 2 3)`); with several, each reply starts
// its own list (`(3 6 (4 23)(44 7 96))`); a dummy root (a missing parent, REFERENCES §2.2 step 6)
// is a list of lists (`((3)(5))`). Built without recursion, so a reply chain thousands of
// messages deep cannot exhaust the stack.
import type { SortableMessage } from './sortable-message.ts'

export interface ThreadNode {
  /** null for a dummy: a message that is not in the result but holds replies together. */
  message: SortableMessage | null
  children: ThreadNode[]
}

/** `(1 2)(3 (4)(5))`: the threads in order, numbers as UIDs or message sequence numbers. */
export function formatThreads(roots: readonly ThreadNode[], uid: boolean): string {
  const out: string[] = []
  // Work items: a node to write, or text to emit after the node's subtree.
  const stack: Array<ThreadNode | string> = []
  for (let i = roots.length - 1; i >= 0; i--) stack.push(')', roots[i] as ThreadNode, '(')
  while (stack.length > 0) {
    const item = stack.pop() as ThreadNode | string
    if (typeof item === 'string') {
      out.push(item)
      continue
    }
    const { message, children } = item
    if (message !== null) out.push(String(uid ? message.uid : message.seq))
    if (children.length === 0) continue
    if (children.length === 1) {
      // One reply continues the list; a dummy with one child stands for that child.
      if (message !== null) out.push(' ')
      stack.push(children[0] as ThreadNode)
      continue
    }
    if (message !== null) out.push(' ')
    for (let i = children.length - 1; i >= 0; i--) stack.push(')', children[i] as ThreadNode, '(')
  }
  return out.join('')
}

/** RFC 5256 §2.2: a dummy sorts by its first child; nodes by sent date, then mailbox order. */
export function compareThreadNodes(a: ThreadNode, b: ThreadNode): number {
  const x = representative(a)
  const y = representative(b)
  if (x === null || y === null) return (x === null ? 1 : 0) - (y === null ? 1 : 0)
  return x.sentDate - y.sentDate || x.seq - y.seq
}

/** The message a node stands for when sorting: itself, or a dummy's first child (recursively). */
export function representative(node: ThreadNode): SortableMessage | null {
  let current: ThreadNode | undefined = node
  while (current !== undefined && current.message === null) current = current.children[0]
  return current?.message ?? null
}

/** Every node of the trees, parents before children (iteratively). */
export function allNodes(roots: readonly ThreadNode[]): ThreadNode[] {
  const out: ThreadNode[] = []
  const stack = [...roots]
  while (stack.length > 0) {
    const node = stack.pop() as ThreadNode
    out.push(node)
    for (const child of node.children) stack.push(child)
  }
  return out
}
