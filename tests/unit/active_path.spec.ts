import { test } from '@japa/runner'
import { computeActivePath, type TreeMessage } from '#shared/chat/active_path'

function msg(id: string, parentId: string | null, createdAt: number): TreeMessage {
  return { id, parentId, createdAt }
}

const ids = (path: ReturnType<typeof computeActivePath>) => path.map((entry) => entry.message.id)

/*
 * a ── b ── c ── d
 *       └── c2 ── d2      (c2 is an edit of c, newer)
 */
const tree = [
  msg('a', null, 1),
  msg('b', 'a', 2),
  msg('c', 'b', 3),
  msg('d', 'c', 4),
  msg('c2', 'b', 5),
  msg('d2', 'c2', 6),
]

test.group('computeActivePath', () => {
  test('an empty chat has an empty path', ({ assert }) => {
    assert.deepEqual(computeActivePath([], null), [])
    assert.deepEqual(computeActivePath([], 'missing'), [])
  })

  test('follows the active leaf up to the root', ({ assert }) => {
    assert.deepEqual(ids(computeActivePath(tree, 'd')), ['a', 'b', 'c', 'd'])
    assert.deepEqual(ids(computeActivePath(tree, 'd2')), ['a', 'b', 'c2', 'd2'])
  })

  test('without an active leaf it shows the newest message', ({ assert }) => {
    assert.deepEqual(ids(computeActivePath(tree, null)), ['a', 'b', 'c2', 'd2'])
    assert.deepEqual(ids(computeActivePath(tree, 'not-synced-yet')), ['a', 'b', 'c2', 'd2'])
  })

  test('a leaf pointer that lags behind continues through the newest child', ({ assert }) => {
    assert.deepEqual(ids(computeActivePath(tree, 'c')), ['a', 'b', 'c', 'd'])
    assert.deepEqual(ids(computeActivePath(tree, 'b')), ['a', 'b', 'c2', 'd2'])
  })

  test('reports siblings for the branch picker', ({ assert }) => {
    const path = computeActivePath(tree, 'd')
    assert.deepEqual(path[2].siblingIds, ['c', 'c2'])
    assert.equal(path[2].siblingIndex, 0)
    assert.deepEqual(path[0].siblingIds, ['a'])
    const other = computeActivePath(tree, 'd2')
    assert.equal(other[2].siblingIndex, 1)
  })

  test('does not depend on input order and breaks timestamp ties by id', ({ assert }) => {
    const shuffled = [tree[5], tree[2], tree[0], tree[4], tree[1], tree[3]]
    assert.deepEqual(ids(computeActivePath(shuffled, 'd')), ['a', 'b', 'c', 'd'])
    const ties = [msg('r', null, 1), msg('x', 'r', 2), msg('y', 'r', 2)]
    assert.deepEqual(ids(computeActivePath(ties, null)), ['r', 'y'])
    assert.deepEqual(computeActivePath(ties, 'x')[1].siblingIds, ['x', 'y'])
  })

  test('a message whose parent has not arrived yet starts the path', ({ assert }) => {
    const partial = [msg('b', 'a-missing', 2), msg('c', 'b', 3)]
    assert.deepEqual(ids(computeActivePath(partial, 'c')), ['b', 'c'])
  })

  test('malformed cycles end instead of looping', ({ assert }) => {
    const cycle = [msg('a', 'b', 1), msg('b', 'a', 2)]
    const path = ids(computeActivePath(cycle, 'a'))
    assert.sameMembers(path, ['a', 'b'])
    assert.lengthOf(path, 2)
  })
})
