import { test } from '@japa/runner'
import { GenerationRegistry, type LiveFrame } from '#chat/services/generation_registry'

/*
| The registry's buffer of deltas since the last checkpoint, which a tab
| re-attaching with its last seq is replayed from (exact texts and seqs), or
| a snapshot of the whole text when the buffer no longer reaches back.
*/
function running(registry: GenerationRegistry) {
  let finish!: () => void
  const { generation } = registry.claim(
    { messageId: 'm1', userId: 'u1', chatId: 'c1', parentId: 'p1', modelId: 'x' },
    () => new Promise((resolve) => (finish = () => resolve('complete')))
  )
  return { generation: generation!, finish: () => finish() }
}

function attach(registry: GenerationRegistry, fromSeq: number) {
  const frames: LiveFrame[] = []
  const attached = registry.subscribe('m1', 'u1', fromSeq, (frame) =>
    frames.push(JSON.parse(frame))
  )
  return { attached, frames }
}

test.group('GenerationRegistry tail buffer', () => {
  test('replays the deltas after the given seq, exactly, across checkpoints', ({ assert }) => {
    const registry = new GenerationRegistry()
    const { generation, finish } = running(registry)
    const deltas = ['Hel', 'lo', ', ', 'wör', 'ld', ' ☕', '!']
    for (const delta of deltas.slice(0, 4)) registry.pushToken(generation, delta)
    registry.markCheckpoint(generation, 2)
    for (const delta of deltas.slice(4)) registry.pushToken(generation, delta)

    const fromThree = attach(registry, 3)
    assert.isTrue(fromThree.attached)
    assert.deepEqual(
      fromThree.frames,
      [4, 5, 6, 7].map((seq) => ({ type: 'token', messageId: 'm1', seq, text: deltas[seq - 1] }))
    )
    // From the checkpoint itself: every buffered delta.
    assert.deepEqual(
      attach(registry, 2).frames.map((frame) => (frame.type === 'token' ? frame.text : null)),
      deltas.slice(2)
    )
    // Up to date: nothing to replay.
    assert.deepEqual(attach(registry, 7).frames, [])
    // Behind the buffer, or ahead of it: the whole text.
    for (const fromSeq of [0, 1, 9]) {
      assert.deepEqual(attach(registry, fromSeq).frames, [
        { type: 'snapshot', messageId: 'm1', seq: 7, text: deltas.join('') },
      ])
    }

    // A later checkpoint drops what it covers; a stale one changes nothing.
    registry.markCheckpoint(generation, 6)
    registry.markCheckpoint(generation, 4)
    assert.deepEqual(attach(registry, 6).frames, [
      { type: 'token', messageId: 'm1', seq: 7, text: '!' },
    ])
    assert.equal(attach(registry, 5).frames[0].type, 'snapshot')
    registry.markCheckpoint(generation, 7)
    assert.deepEqual(attach(registry, 7).frames, [])
    assert.equal(attach(registry, 6).frames[0].type, 'snapshot')
    finish()
  })

  test('live token frames are the JSON of the frame object', ({ assert }) => {
    const registry = new GenerationRegistry()
    const { generation, finish } = running(registry)
    const raw: string[] = []
    registry.subscribe('m1', 'u1', 0, (frame) => raw.push(frame))
    registry.pushToken(generation, 'a "quoted"\n\u2028 line')
    assert.deepEqual(raw, [
      JSON.stringify({ type: 'token', messageId: 'm1', seq: 1, text: 'a "quoted"\n\u2028 line' }),
    ])
    finish()
  })
})
