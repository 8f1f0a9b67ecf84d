import { randomUUID } from 'node:crypto'
import { test } from '@japa/runner'
import { startEmulatorForApp } from '#tests/support/llm'
import type { LlmEmulator } from '#llm/emulator/llm_emulator'
import GenerationSettings from '#chat/services/generation_settings'
import {
  chatUser,
  createChat,
  finalMessage,
  liveText,
  openLive,
  replyStatus,
  sendUserMessage,
  syncEvents,
  type ChatUser,
  type LiveClient,
  useGenerationSettings,
} from '#tests/functional/chat/chat_helpers'

/*
| Many answers at once on the /live channel and through the sync log: every
| token reaches every tab, in order, on batched and unbatched sockets; each
| answer's durable events stay in order while they are coalesced; a request
| that meets a provider connection closed as idle is sent again instead of
| ending the answer with no text (the tokens `npm run bench -- streams` lost).
*/

const MODEL = 'meta-llama/llama-3.3-70b-instruct'
const PLATFORM_KEY = 'sk-or-platform-live-streams-5b1e'

/* The chat completion requests whose last user message contains `marker`. */
function requestsFor(emulator: LlmEmulator, marker: string) {
  return emulator.requests.filter((request) => {
    const messages = (request.body as { messages?: { role: string; content: unknown }[] })?.messages
    const last = messages?.at(-1)
    return typeof last?.content === 'string' && last.content.includes(marker)
  })
}

async function startAnswer(user: ChatUser, prompt: string) {
  const chatId = await createChat(user, { model: MODEL, title: 'Live' })
  const question = await sendUserMessage(user, chatId, null, prompt)
  const answerId = randomUUID()
  const status = await replyStatus(user, chatId, question, { assistantMessageId: answerId })
  if (status !== 202) throw new Error(`reply answered ${status}`)
  return answerId
}

const doneOf = (client: LiveClient, answerId: string) =>
  client.next((frame) => frame.type === 'done' && frame.messageId === answerId)

test.group('Live channel and durable events under many answers', (group) => {
  let emulator: LlmEmulator

  group.setup(async () => {
    const started = await startEmulatorForApp({ platformKeys: { openrouter: PLATFORM_KEY } })
    emulator = started.emulator
    // Checkpoints far apart: the replay buffer holds every token (the batching test needs a tail).
    const restoreSettings = useGenerationSettings(
      new GenerationSettings(5_000, 60_000, 60_000, 250)
    )
    return async () => {
      restoreSettings()
      await started.stop()
    }
  })

  test('a request on a provider connection closed as idle is sent again: the answer completes', async ({
    assert,
    cleanup,
  }) => {
    const alice = await chatUser('idle-drop')
    const marker = `drop-${randomUUID()}`
    emulator.failNext('drop', { whenPromptIncludes: marker })
    const live = await openLive(alice, {}, { batch: true })
    cleanup(() => live.close())
    const answerId = await startAnswer(alice, `${marker} [[tokens:30]] [[tps:300]]`)
    live.send({ type: 'subscribe', messageId: answerId, fromSeq: 0 })

    const done = await doneOf(live, answerId)
    assert.equal(done.status, 'complete')
    const row = await finalMessage(answerId)
    assert.equal(row.status, 'complete')
    assert.equal(row.content.split(' ').length, 30)
    const seen = liveText(live.frames, answerId)
    assert.deepEqual(seen.gaps, [])
    assert.equal(seen.text, row.content)
    // The first request met the closed connection; the second was answered.
    assert.lengthOf(requestsFor(emulator, marker), 2)
  })

  test('a provider that keeps dropping the request ends the answer with a clear reason, after one retry', async ({
    assert,
  }) => {
    const alice = await chatUser('always-drop')
    const marker = `always-${randomUUID()}`
    const answerId = await startAnswer(alice, `${marker} [[fail:drop]]`)
    const row = await finalMessage(answerId)
    assert.equal(row.status, 'error')
    assert.match(row.error ?? '', /closed the connection|reach/)
    assert.equal(row.content, '')
    assert.lengthOf(requestsFor(emulator, marker), 2)
  })

  test('a batched socket gets the frames of one turn as one message, in order', async ({
    assert,
    cleanup,
  }) => {
    const alice = await chatUser('batched')
    const plain = await openLive(alice)
    cleanup(() => plain.close())
    const answerId = await startAnswer(alice, 'Batch me [[tokens:200]] [[tps:100]]')
    plain.send({ type: 'subscribe', messageId: answerId, fromSeq: 0 })
    await plain.next((frame) => frame.type === 'token' && frame.seq >= 10)

    // A tab attaching now from seq 0: the buffered tail is replayed in one turn, so one message.
    const batched = await openLive(alice, {}, { batch: true })
    cleanup(() => batched.close())
    batched.send({ type: 'subscribe', messageId: answerId, fromSeq: 0 })
    await doneOf(batched, answerId)
    await doneOf(plain, answerId)

    const [replay] = batched.messages
    assert.isTrue(Array.isArray(replay), 'the replay arrives as an array of frames')
    assert.isAtLeast(replay.length, 10)
    assert.deepEqual(
      replay.map((frame: { seq: number }) => frame.seq),
      Array.from({ length: replay.length }, (_, index) => index + 1)
    )
    // An unbatched socket never gets an array.
    assert.isFalse(plain.messages.some((message) => Array.isArray(message)))

    const row = await finalMessage(answerId)
    for (const tab of [plain, batched]) {
      const seen = liveText(tab.frames, answerId)
      assert.deepEqual(seen.gaps, [])
      assert.equal(seen.text, row.content)
    }
  })

  test('thirty answers at once: every tab gets every token of each, and each answer its events in order', async ({
    assert,
    cleanup,
  }) => {
    const alice = await chatUser('many')
    const tabs = [await openLive(alice, {}, { batch: true }), await openLive(alice)]
    cleanup(() => tabs.forEach((tab) => tab.close()))
    // Each tab subscribes as soon as the reply is accepted (the replay covers what it missed).
    const answers = await Promise.all(
      Array.from({ length: 30 }, async (_, index) => {
        const answerId = await startAnswer(
          alice,
          `Many ${index} [[ttft:500]] [[tokens:${60 + index}]] [[tps:50]]`
        )
        for (const tab of tabs) tab.send({ type: 'subscribe', messageId: answerId, fromSeq: 0 })
        return answerId
      })
    )
    for (const tab of tabs) await Promise.all(answers.map((answerId) => doneOf(tab, answerId)))

    for (const [index, answerId] of answers.entries()) {
      const row = await finalMessage(answerId)
      assert.equal(row.status, 'complete')
      assert.equal(row.content.split(' ').length, 60 + index)
      for (const tab of tabs) {
        const seen = liveText(tab.frames, answerId)
        assert.deepEqual(seen.gaps, [], `gaps in answer ${index}`)
        assert.equal(seen.text, row.content, `text of answer ${index}`)
      }
      const events = await syncEvents(alice.id, 0, answerId)
      const names = events.map((event) => event.name)
      assert.equal(names[0], 'v1.AssistantMessageStarted')
      assert.equal(names.at(-1), 'v1.AssistantMessageFinished')
      assert.lengthOf(
        names.filter((name) => name === 'v1.AssistantMessageFinished'),
        1
      )
    }
  })
})
