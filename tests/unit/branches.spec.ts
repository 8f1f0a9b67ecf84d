import { test } from '@japa/runner'
import { computeActivePath, type TreeMessage } from '#shared/chat/active_path'
import { newestLeafOf, siblingAt } from '#shared/chat/branches'

function msg(id: string, parentId: string | null, createdAt: number): TreeMessage {
  return { id, parentId, createdAt }
}

/*
 * u1 ── a1 ── u2 ── a2
 *   │     └── u2b ── a2b       (u2b: an edit of u2, newer)
 *   └── a1r                     (a1r: a regenerated answer to u1, newest of all)
 */
const tree = [
  msg('u1', null, 1),
  msg('a1', 'u1', 2),
  msg('u2', 'a1', 3),
  msg('a2', 'u2', 4),
  msg('u2b', 'a1', 5),
  msg('a2b', 'u2b', 6),
  msg('a1r', 'u1', 7),
]

test.group('newestLeafOf', () => {
  test('a message without replies is its own leaf', ({ assert }) => {
    assert.equal(newestLeafOf(tree, 'a1r'), 'a1r')
    assert.equal(newestLeafOf(tree, 'a2'), 'a2')
  })

  test('picks the newest leaf of the subtree, across its branches', ({ assert }) => {
    assert.equal(newestLeafOf(tree, 'a1'), 'a2b')
    assert.equal(newestLeafOf(tree, 'u2'), 'a2')
    assert.equal(newestLeafOf(tree, 'u1'), 'a1r')
  })

  test('ties on time go to the larger id, like the active path', ({ assert }) => {
    const tied = [msg('r', null, 1), msg('x', 'r', 2), msg('y', 'r', 2)]
    assert.equal(newestLeafOf(tied, 'r'), 'y')
  })

  test('an unknown id has no leaf', ({ assert }) => {
    assert.isNull(newestLeafOf(tree, 'missing'))
  })

  test('a cycle in malformed data does not loop', ({ assert }) => {
    const cyclic = [msg('p', 'q', 1), msg('q', 'p', 2)]
    assert.equal(newestLeafOf(cyclic, 'p'), 'p')
  })

  test('switching to a sibling shows that sibling’s branch', ({ assert }) => {
    const path = computeActivePath(tree, 'a2b')
    const edited = path.find((entry) => entry.message.id === 'u2b')!
    assert.deepEqual(edited.siblingIds, ['u2', 'u2b'])
    const previous = siblingAt(edited.siblingIds, edited.siblingIndex, -1)!
    const leaf = newestLeafOf(tree, previous)
    assert.deepEqual(
      computeActivePath(tree, leaf).map((entry) => entry.message.id),
      ['u1', 'a1', 'u2', 'a2']
    )
  })
})

test.group('siblingAt', () => {
  test('steps within bounds and stops at either end', ({ assert }) => {
    const ids = ['a', 'b', 'c']
    assert.equal(siblingAt(ids, 1, -1), 'a')
    assert.equal(siblingAt(ids, 1, 1), 'c')
    assert.isNull(siblingAt(ids, 0, -1))
    assert.isNull(siblingAt(ids, 2, 1))
  })
})
