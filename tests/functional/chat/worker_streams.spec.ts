import { randomUUID } from 'node:crypto'
import { test } from '@japa/runner'
import GenerationSettings from '#chat/services/generation_settings'
import { replyTokens } from '#llm/emulator/emulator_script'
import { streamWorker } from '#llm/openrouter_sse'
import { startEmulatorForApp } from '#tests/support/llm'
import {
  chatUser,
  createChat,
  finalMessage,
  liveText,
  openLive,
  replyFrame,
  sendUserMessage,
  stop,
  waitUntil,
  useGenerationSettings,
} from '#tests/functional/chat/chat_helpers'

/*
| Answers whose provider stream is read in the worker thread (what happens
| once many answers stream at once, see openrouter_worker_transport.ts) go
| the whole way as any other: tokens on /live in order, the stored answer
| equal to what /live showed, usage and cost kept, stop keeping the text.
| The threshold is 0 here, so every answer takes the worker.
*/

const MODEL = 'meta-llama/llama-3.3-70b-instruct'
const PLATFORM_KEY = 'sk-or-platform-worker-streams-7c2e'

test.group('Answers read in the provider-stream worker', (group) => {
  let threshold = 0
  group.setup(async () => {
    const started = await startEmulatorForApp({ platformKeys: { openrouter: PLATFORM_KEY } })
    threshold = streamWorker.threshold
    streamWorker.threshold = 0
    await streamWorker.warm()
    return async () => {
      streamWorker.threshold = threshold
      await started.stop()
    }
  })

  test('three answers at once stream to /live and are stored as shown', async ({
    assert,
    cleanup,
  }) => {
    const alice = await chatUser('wks')
    const live = await openLive(alice, {}, { batch: true })
    cleanup(() => live.close())
    const sentBefore = streamWorker.sent
    const answers = await Promise.all(
      [1, 2, 3].map(async (n) => {
        const chatId = await createChat(alice, { model: MODEL, title: `Worker ${n}` })
        const messageId = await sendUserMessage(
          alice,
          chatId,
          null,
          `Answer ${n} [[tokens:40]] [[tps:400]] [[cost:0.00${n}]]`
        )
        const answerId = randomUUID()
        const answer = await replyFrame(live, { chatId, messageId, assistantMessageId: answerId })
        assert.equal(answer.type, 'replied', JSON.stringify(answer))
        return answerId
      })
    )
    for (const [index, answerId] of answers.entries()) {
      const row = await finalMessage(answerId)
      assert.equal(row.status, 'complete', row.error ?? '')
      assert.equal(row.finish_reason, 'stop')
      assert.isAbove(row.content.length, 40)
      assert.isNotNull(row.usage)
      // The cost OpenRouter reported for each (0.001, 0.002, 0.003 USD), not the catalog price.
      assert.equal(Number(row.cost_micros), (index + 1) * 1000)
      await live.next((frame) => frame.type === 'done' && frame.messageId === answerId)
      const shown = liveText(live.frames, answerId)
      assert.deepEqual(shown.gaps, [])
      assert.equal(shown.text, row.content)
    }
    assert.equal(streamWorker.sent - sentBefore, 3, 'all three went through the worker')
  })

  test('a model reasoning longer than the stall limit is not cut (the worker reports it alive)', async ({
    assert,
    cleanup,
  }) => {
    cleanup(useGenerationSettings(new GenerationSettings(2_000, 60_000, 2_000, 5_000)))
    const alice = await chatUser('wks-think')
    const live = await openLive(alice, {}, { batch: true })
    cleanup(() => live.close())
    const sentBefore = streamWorker.sent
    const chatId = await createChat(alice, { model: MODEL, title: 'Worker thinks' })
    const prompt = 'Reason first [[think:4500]] [[tokens:6]]'
    const messageId = await sendUserMessage(alice, chatId, null, prompt)
    const answerId = randomUUID()
    const answer = await replyFrame(live, { chatId, messageId, assistantMessageId: answerId })
    assert.equal(answer.type, 'replied', JSON.stringify(answer))
    const row = await finalMessage(answerId)
    assert.equal(row.status, 'complete', row.error ?? '')
    assert.equal(row.content, replyTokens(prompt, 6).join(''))
    assert.equal(streamWorker.sent - sentBefore, 1, 'it went through the worker')
  })

  test('stop mid-answer keeps the text so far', async ({ assert, cleanup }) => {
    const bob = await chatUser('wks')
    const live = await openLive(bob, {}, { batch: true })
    cleanup(() => live.close())
    const chatId = await createChat(bob, { model: MODEL, title: 'Stopped in the worker' })
    const messageId = await sendUserMessage(bob, chatId, null, 'Long [[tokens:2000]] [[tps:50]]')
    const answerId = randomUUID()
    const answer = await replyFrame(live, { chatId, messageId, assistantMessageId: answerId })
    assert.equal(answer.type, 'replied', JSON.stringify(answer))
    await waitUntil(() => liveText(live.frames, answerId).seq >= 3)
    const stopped = await stop(bob, chatId, answerId)
    assert.equal(stopped.status, 200)

    const row = await finalMessage(answerId)
    assert.equal(row.status, 'stopped')
    const shown = liveText(live.frames, answerId)
    assert.isAtLeast(shown.seq, 3)
    assert.equal(row.content, shown.text)
  })
})
