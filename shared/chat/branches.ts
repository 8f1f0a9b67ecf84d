/**
 * Branch navigation over a chat's message tree (see active_path.ts). Pure, unit tested.
 */
import type { TreeMessage } from '#shared/chat/active_path'

/* Newest first: later createdAt, then larger id (the same tie-break as active_path). */
function isNewer(a: TreeMessage, b: TreeMessage) {
  return a.createdAt > b.createdAt || (a.createdAt === b.createdAt && a.id > b.id)
}

/**
 * The leaf to show when the user switches to `messageId`'s branch: the newest leaf of its
 * subtree (the branch that was last active below it), or the message itself if it has no
 * replies. Unknown ids return null.
 */
export function newestLeafOf(messages: readonly TreeMessage[], messageId: string): string | null {
  const children = new Map<string, TreeMessage[]>()
  let root: TreeMessage | undefined
  for (const message of messages) {
    if (message.id === messageId) root = message
    if (message.parentId === null) continue
    const list = children.get(message.parentId)
    if (list) list.push(message)
    else children.set(message.parentId, [message])
  }
  if (!root) return null

  let best: TreeMessage | null = null
  const seen = new Set<string>()
  const stack: TreeMessage[] = [root]
  while (stack.length > 0) {
    const node = stack.pop()!
    if (seen.has(node.id)) continue
    seen.add(node.id)
    const below = children.get(node.id)
    if (!below || below.length === 0) {
      if (!best || isNewer(node, best)) best = node
    } else {
      stack.push(...below)
    }
  }
  // Every node below has replies only in malformed (cyclic) data: stay on the message.
  return (best ?? root).id
}

/** The sibling `delta` steps away (-1 previous, +1 next), or null at either end. */
export function siblingAt(siblingIds: readonly string[], index: number, delta: number) {
  const target = index + delta
  return target >= 0 && target < siblingIds.length ? siblingIds[target] : null
}
