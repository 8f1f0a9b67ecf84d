import { test } from '@japa/runner'
import { buildPrompt, TRIM_MARKER } from '#chat/services/prompt_builder'
import type { PathMessage } from '#chat/services/conversation_path'

const message = (index: number, role: 'user' | 'assistant', content: string): PathMessage => ({
  id: `m${index}`,
  parentId: index === 0 ? null : `m${index - 1}`,
  role,
  content,
  status: 'complete',
})

/* A path of `count` messages of `chars` characters each, user first, alternating. */
function path(count: number, chars: number) {
  return Array.from({ length: count }, (_, index) =>
    message(index, index % 2 === 0 ? 'user' : 'assistant', `${index}:`.padEnd(chars, 'x'))
  )
}

test.group('buildPrompt', () => {
  test('a path that fits is sent whole, with the system prompt apart', ({ assert }) => {
    const built = buildPrompt(path(5, 40), { contextLength: 10_000, systemPrompt: 'Be brief.' })
    assert.equal(built.trimmed, 0)
    assert.isNull(built.contextStartId)
    assert.equal(built.system, 'Be brief.')
    assert.deepEqual(
      built.messages.map((m) => m.role),
      ['user', 'assistant', 'user', 'assistant', 'user']
    )
    assert.notInclude(JSON.stringify(built.messages), TRIM_MARKER)
  })

  test('the oldest messages go first, with a marker where they were', ({ assert }) => {
    // 1,000 tokens of window, 250 kept for the answer: 750 for 40 messages of ~100 tokens.
    const built = buildPrompt(path(40, 400), { contextLength: 1_000, systemPrompt: null })
    assert.isAbove(built.trimmed, 0)
    assert.equal(built.trimmed + built.messages.length, 40)
    /* The thread's marker goes above the oldest message sent, a question (never an orphan answer). */
    assert.equal(built.contextStartId, `m${built.trimmed}`)
    assert.equal(built.trimmed % 2, 0)
    const first = built.messages[0]
    assert.equal(first.role, 'user')
    assert.isTrue(String(first.content).startsWith(TRIM_MARKER))
    // The newest message is always the last one sent.
    assert.isTrue(String(built.messages.at(-1)!.content).startsWith('39:'))
    const chars = built.messages.reduce((sum, m) => sum + String(m.content).length, 0)
    assert.isAtMost(Math.ceil(chars / 4), 750 + 50)
  })

  test('a newest message larger than the window keeps its end', ({ assert }) => {
    const huge = message(0, 'user', `start ${'y'.repeat(20_000)} end`)
    const built = buildPrompt([huge], { contextLength: 1_000, systemPrompt: null })
    assert.lengthOf(built.messages, 1)
    const content = String(built.messages[0].content)
    assert.isTrue(content.endsWith(' end'))
    assert.equal(built.contextStartId, 'm0')
    assert.isTrue(content.startsWith(TRIM_MARKER))
    assert.isBelow(content.length, 4_000)
  })

  test('answers without text (failed at once) are left out', ({ assert }) => {
    const messages = [
      message(0, 'user', 'Hi'),
      message(1, 'assistant', ''),
      message(2, 'user', 'Again'),
    ]
    const built = buildPrompt(messages, { contextLength: null, systemPrompt: '  ' })
    assert.isUndefined(built.system)
    assert.deepEqual(
      built.messages.map((m) => m.content),
      ['Hi', 'Again']
    )
  })
})
