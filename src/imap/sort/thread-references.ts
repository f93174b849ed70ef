// THREAD=REFERENCES (RFC 5256 §2.2 "REFERENCES", after Jamie Zawinski's algorithm), step by step:
//
//  1. Link messages by Message-ID: the IDs of References (else the first valid ID of In-Reply-To)
//     form a parent chain (1A: an existing parent is kept, no link that makes a loop), and the last
//     one becomes the message's parent (1B: replacing an existing parent). A missing or duplicate
//     Message-ID counts as unique. Referenced messages that are not in the set become dummies.
//  2. The roots are the containers without a parent.   3. (The ID table is dropped.)
//  4. Prune dummies: a childless dummy goes; a dummy's children take its place, except that a
//     dummy at the top with several children stays.
//  5. Sort the roots by sent date (a dummy by its first child, after sorting its children).
//  6. Merge roots with the same base subject (A-C), preferring dummies and non-replies as the
//     thread to merge into.
//  7. Sort every set of siblings by sent date, deepest first; a dummy sorts by its first child.
//
// Message-ID comparisons are case-sensitive (RFC 5256 §2.2, step 1).
import { asciiCasemap } from './sort-messages.ts'
import type { SortableMessage } from './sortable-message.ts'
import { type ThreadNode, allNodes, compareThreadNodes } from './thread-tree.ts'

interface Container extends ThreadNode {
  parent: Container | null
  children: Container[]
}

/** msg-id = "<" id-left "@" id-right ">" (RFC 5322 §3.6.4); comments removed first. */
const MESSAGE_ID = /<([^<>@\s]+@[^<>\s]+)>/g

/** The valid Message-IDs of a field, in order (without the angle brackets). */
export function messageIdsOf(field: string | null): string[] {
  if (field === null) return []
  const text = field.replace(/\([^()]*\)/g, ' ')
  return [...text.matchAll(MESSAGE_ID)].map(m => m[1] as string)
}

/** `messages` in mailbox order; returns the threads in THREAD order. */
export function threadByReferences(messages: readonly SortableMessage[]): ThreadNode[] {
  const byId = new Map<string, Container>()
  const containers: Container[] = []
  const container = (id: string): Container => {
    let c = byId.get(id)
    if (c === undefined) {
      c = { message: null, parent: null, children: [] }
      byId.set(id, c)
      containers.push(c)
    }
    return c
  }

  // ---- step 1 ----
  for (const message of messages) {
    const ownId = messageIdsOf(message.envelope.messageId)[0]
    let self = ownId === undefined ? undefined : byId.get(ownId)
    if (ownId === undefined || (self !== undefined && self.message !== null)) {
      // No Message-ID, or one an earlier message already has: this message is unique (step 1).
      self = { message, parent: null, children: [] }
      containers.push(self)
    } else {
      self = container(ownId)
      self.message = message
    }
    let references = messageIdsOf(message.references)
    if (references.length === 0) references = messageIdsOf(message.envelope.inReplyTo).slice(0, 1)
    // 1A: each reference is the parent of the next, unless the child has a parent already.
    let previous: Container | null = null
    for (const id of references) {
      const current = container(id)
      if (previous !== null && current.parent === null && !createsLoop(previous, current)) link(previous, current)
      previous = current
    }
    // 1B: the last reference is the message's parent; its own References are the better source.
    if (self.parent !== null) unlink(self)
    if (previous !== null && !createsLoop(previous, self)) link(previous, self)
  }

  // ---- steps 2-4 ----
  const roots = prune(
    containers.filter(c => c.parent === null),
    true,
  )

  // ---- step 5 ----
  for (const root of roots) if (root.message === null) root.children.sort(compareThreadNodes)
  roots.sort(compareThreadNodes)

  // ---- step 6 ----
  const merged = mergeBySubject(roots)

  // ---- step 7 ----
  // allNodes lists parents before children; reversed, every set of children is sorted before the
  // set its parent belongs to, so a dummy's first child is settled when the dummy is compared.
  for (const node of allNodes(merged).reverse()) {
    if (node.children.length > 1) node.children.sort(compareThreadNodes)
  }
  merged.sort(compareThreadNodes)
  return merged
}

function link(parent: Container, child: Container): void {
  child.parent = parent
  parent.children.push(child)
}

function unlink(child: Container): void {
  const parent = child.parent
  if (parent === null) return
  const at = parent.children.indexOf(child)
  if (at >= 0) parent.children.splice(at, 1)
  child.parent = null
}

/** Making `child` a child of `parent` would close a loop: `child` is `parent` or one of its ancestors. */
function createsLoop(parent: Container, child: Container): boolean {
  for (let c: Container | null = parent; c !== null; c = c.parent) if (c === child) return true
  return false
}

/** Step 4, for one level: the pruned list that replaces `level` (children are pruned first). */
function prune(level: readonly Container[], top: boolean): Container[] {
  // Depth-first without recursion: prune the children of each node before the node itself.
  const order: Array<{ node: Container; top: boolean }> = []
  const stack = level.map(node => ({ node, top }))
  while (stack.length > 0) {
    const item = stack.pop() as { node: Container; top: boolean }
    order.push(item)
    for (const child of item.node.children) stack.push({ node: child, top: false })
  }
  // Children appear after their parents in `order`: handle it backwards.
  for (let i = order.length - 1; i >= 0; i--) {
    const { node } = order[i] as { node: Container; top: boolean }
    node.children = pruneSiblings(node.children, false, node)
  }
  return pruneSiblings(level, top, null)
}

/** 4A/4B on a list of siblings whose own children are already pruned. */
function pruneSiblings(siblings: readonly Container[], top: boolean, parent: Container | null): Container[] {
  const out: Container[] = []
  for (const node of siblings) {
    if (node.message !== null) {
      out.push(node)
      continue
    }
    if (node.children.length === 0) continue // 4A
    if (!top || node.children.length === 1) {
      // 4B: the children take the dummy's place.
      for (const child of node.children) {
        child.parent = parent
        out.push(child)
      }
      continue
    }
    out.push(node)
  }
  return out
}

/** Step 6: merge top-level threads that share a base subject; returns the new top level. */
function mergeBySubject(roots: Container[]): Container[] {
  const subjectOf = (node: Container): string => {
    const message = node.message ?? node.children[0]?.message ?? null
    return message === null ? '' : asciiCasemap(message.baseSubject.subject)
  }
  const isReply = (node: Container) => node.message?.baseSubject.isReplyOrForward ?? false
  // 6A/6B: one thread per base subject to merge into.
  const table = new Map<string, Container>()
  for (const root of roots) {
    const subject = subjectOf(root)
    if (subject === '') continue
    const held = table.get(subject)
    if (
      held === undefined ||
      (root.message === null && held.message !== null) ||
      (held.message !== null && isReply(held) && root.message !== null && !isReply(root))
    ) {
      table.set(subject, root)
    }
  }
  // 6C. A root merged into another thread is `gone`; one that became a child of a new dummy is
  // `replaced` by that dummy in the top level.
  const gone = new Set<Container>()
  const replaced = new Map<Container, Container>()
  for (const root of roots) {
    const subject = subjectOf(root)
    if (subject === '') continue
    const held = table.get(subject)
    if (held === undefined || held === root || gone.has(root) || replaced.has(root)) continue
    if (held.message === null && root.message === null) {
      for (const child of root.children) link(held, child)
      root.children = []
    } else if (held.message === null) {
      link(held, root)
    } else if (root.message !== null && isReply(root) && !isReply(held)) {
      link(held, root)
    } else {
      const dummy: Container = { message: null, parent: null, children: [] }
      replaced.set(held, dummy)
      link(dummy, held)
      link(dummy, root)
      table.set(subject, dummy)
    }
    gone.add(root)
  }
  return roots.filter(root => !gone.has(root)).map(root => replaced.get(root) ?? root)
}
