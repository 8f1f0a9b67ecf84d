/**
 * The messages of a chat form a tree (each message points at its parent; an edit or a
 * regeneration adds a sibling). The thread shows one path through it: from the root down to the
 * chat's active leaf. This module is pure (no React, no LiveStore) so it can be unit tested and
 * reused by the branch picker.
 */

export interface TreeMessage {
  id: string
  parentId: string | null
  createdAt: number
}

export interface PathEntry<T extends TreeMessage> {
  message: T
  /** Ids of every message sharing this message's parent (itself included), oldest first. */
  siblingIds: string[]
  /** Position of this message among its siblings (0-based). */
  siblingIndex: number
}

/* Oldest first, then by id, so every device orders ties the same way. */
function compareMessages(a: TreeMessage, b: TreeMessage) {
  return a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
}

/**
 * Computes the path root -> active leaf.
 *
 * - `activeLeafId` null or unknown (not synced yet, or deleted): follow the newest message.
 * - The leaf pointer may lag behind the tree (an answer that arrived from another device before
 *   the pointer moved): the path then continues from the leaf down through the newest child.
 * - A message whose parent is missing (not synced yet) is treated as a root, and a cycle in
 *   malformed data is cut rather than looping forever.
 */
export function computeActivePath<T extends TreeMessage>(
  messages: readonly T[],
  activeLeafId: string | null
): PathEntry<T>[] {
  if (messages.length === 0) return []

  const byId = new Map<string, T>()
  for (const message of messages) byId.set(message.id, message)

  const parentKey = (message: T) =>
    message.parentId !== null && byId.has(message.parentId) ? message.parentId : null

  const children = new Map<string | null, T[]>()
  for (const message of byId.values()) {
    const key = parentKey(message)
    const list = children.get(key)
    if (list) list.push(message)
    else children.set(key, [message])
  }
  for (const list of children.values()) list.sort(compareMessages)

  let start = activeLeafId === null ? undefined : byId.get(activeLeafId)
  if (!start) {
    start = [...byId.values()].sort(compareMessages).at(-1)!
  }

  /* Walk up to the root. */
  const upward: T[] = []
  const seen = new Set<string>()
  for (let node: T | undefined = start; node && !seen.has(node.id);) {
    seen.add(node.id)
    upward.push(node)
    const key = parentKey(node)
    node = key === null ? undefined : byId.get(key)
  }
  const path = upward.reverse()

  /* Continue down through the newest child while the leaf has descendants. */
  for (let node = path.at(-1)!; ;) {
    const next = children.get(node.id)?.at(-1)
    if (!next || seen.has(next.id)) break
    seen.add(next.id)
    path.push(next)
    node = next
  }

  return path.map((message) => {
    const siblings = children.get(parentKey(message)) ?? [message]
    const siblingIds = siblings.map((sibling) => sibling.id)
    return { message, siblingIds, siblingIndex: siblingIds.indexOf(message.id) }
  })
}
