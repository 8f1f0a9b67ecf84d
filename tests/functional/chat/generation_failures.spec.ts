import { randomBytes, randomUUID } from 'node:crypto'
import { test } from '@japa/runner'
import { jsonRequest, startEmulatorForApp } from '#tests/support/llm'
import type { LlmEmulator } from '#llm/emulator/llm_emulator'
import { replyTokens } from '#llm/emulator/emulator_script'
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
  useGenerationSettings,
} from '#tests/functional/chat/chat_helpers'

/*
| Provider failures the reply path must end cleanly, beyond the ones
| generation.spec.ts covers (401, 429, 500, stall, cut): a content filter
| ending the stream, the whole-answer deadline, and the user's own key
| revoked at the provider between two answers. Each: the message row ends in
| status error with a reason a person can act on, the text streamed before
| the failure is kept (row, Finished event, live frames agree), and no key
| leaks into any of them.
*/

const MODEL = 'meta-llama/llama-3.3-70b-instruct'
const PLATFORM_KEY = 'sk-or-platform-secret-2b8d41c6e0'

/* The emulator's default rule for which keys are genuine (see LlmEmulatorOptions.isValidKey). */
const defaultKeyRule = (key: string) => key.length > 0 && !key.startsWith('bad')

test.group('Generation: content filter, deadline, revoked user key', (group) => {
  let emulator: LlmEmulator

  group.setup(async () => {
    const started = await startEmulatorForApp({ platformKeys: { openrouter: PLATFORM_KEY } })
    emulator = started.emulator
    const restoreSettings = useGenerationSettings()
    return async () => {
      restoreSettings()
      await started.stop()
    }
  })

  test('a content filter ending the stream: status error, the reason, the text kept', async ({
    assert,
    cleanup,
  }) => {
    const alice = await chatUser('filter')
    const chatId = await createChat(alice, { model: MODEL, title: 'Filtered' })
    const prompt = 'Tell me something risky [[fail:content_filter]] [[tokens:30]] [[tps:300]]'
    const question = await sendUserMessage(alice, chatId, null, prompt)
    const live = await openLive(alice)
    cleanup(() => live.close())
    const answerId = randomUUID()
    assert.equal(await replyStatus(alice, chatId, question, { assistantMessageId: answerId }), 202)
    live.send({ type: 'subscribe', messageId: answerId, fromSeq: 0 })

    const row = await finalMessage(answerId)
    assert.equal(row.status, 'error')
    assert.equal(
      row.error,
      "OpenRouter's content filter stopped this answer. Rephrase your message and try again."
    )
    assert.equal(row.finish_reason, 'content-filter')
    // The emulator streams its tokens, then ends with finish_reason content_filter: all of them stay.
    const streamed = replyTokens(prompt, 30).join('')
    assert.equal(row.content, streamed)

    const done = await live.next((frame) => frame.type === 'done' && frame.messageId === answerId)
    assert.deepInclude(done, { status: 'error', error: row.error })
    assert.equal(liveText(live.frames, answerId).text, streamed)

    const [finished] = await syncEvents(alice.id, 0, answerId, 'v1.AssistantMessageFinished')
    assert.deepInclude(finished.args, { status: 'error', error: row.error, text: streamed })
  })

  test('a model reasoning longer than the stall limit is not cut: reasoning counts as activity', async ({
    assert,
    cleanup,
  }) => {
    // Nothing for 2 s is a stall here; each model reasons for 4.5 s before its first word.
    cleanup(useGenerationSettings(new GenerationSettings(2_000, 60_000, 100, 5_000)))
    const alice = await chatUser('thinker')
    // OpenRouter (its event stream read by the app) and the development emulator (through the SDK).
    for (const model of [MODEL, 'dev/emulator']) {
      const chatId = await createChat(alice, { model, title: 'Think first' })
      const prompt = 'Prove it carefully [[think:4500]] [[tokens:8]]'
      const question = await sendUserMessage(alice, chatId, null, prompt)
      const answerId = randomUUID()
      const status = await replyStatus(alice, chatId, question, { assistantMessageId: answerId })
      assert.equal(status, 202)
      const row = await finalMessage(answerId)
      assert.equal(row.status, 'complete', `${model}: ${row.error}`)
      assert.equal(row.content, replyTokens(prompt, 8).join(''), model)
    }
  })

  test('the whole-answer deadline ends a slow answer as error, keeping its text', async ({
    assert,
    cleanup,
  }) => {
    /*
    | A deadline of 700 ms, a stall watchdog that cannot fire first (tokens
    | every 20 ms, 5 s allowed between them): the answer is healthy, only long.
    */
    cleanup(useGenerationSettings(new GenerationSettings(5_000, 700, 100, 250)))

    const alice = await chatUser('deadline')
    const chatId = await createChat(alice, { model: MODEL, title: 'Too long' })
    const prompt = 'Write an endless story [[tokens:5000]] [[tps:50]]'
    const question = await sendUserMessage(alice, chatId, null, prompt)
    const live = await openLive(alice)
    cleanup(() => live.close())
    const answerId = randomUUID()
    assert.equal(await replyStatus(alice, chatId, question, { assistantMessageId: answerId }), 202)
    live.send({ type: 'subscribe', messageId: answerId, fromSeq: 0 })

    const row = await finalMessage(answerId)
    assert.equal(row.status, 'error')
    assert.equal(row.error, 'OpenRouter took too long to answer. Try again.')
    // The stream ended by our abort: the runner records the stream's own end, or the failure kind.
    assert.oneOf(row.finish_reason, ['error', 'timeout'])
    // The text so far, exactly the start of the answer the emulator was sending.
    const full = replyTokens(prompt, 5000).join('')
    assert.isTrue(row.content.startsWith('Echo: Write an endless story'), row.content)
    assert.isTrue(full.startsWith(row.content))
    assert.isBelow(row.content.length, full.length)

    const done = await live.next((frame) => frame.type === 'done' && frame.messageId === answerId)
    assert.deepInclude(done, { status: 'error', error: row.error })
    assert.equal(liveText(live.frames, answerId).text, row.content)
    const [finished] = await syncEvents(alice.id, 0, answerId, 'v1.AssistantMessageFinished')
    assert.deepInclude(finished.args, { status: 'error', text: row.content })
  })

  test("the user's own key, revoked at the provider: the answer tells them to replace it", async ({
    assert,
    cleanup,
  }) => {
    const alice = await chatUser('byok')
    const aliceKey = `sk-or-v1-${randomBytes(16).toString('hex')}`
    const saved = await jsonRequest(alice.session, 'PUT', '/api/keys/openrouter', {
      apiKey: aliceKey,
    })
    assert.equal(saved.status, 201, saved.text)

    const chatId = await createChat(alice, { model: MODEL, title: 'My key' })
    const live = await openLive(alice)
    cleanup(() => live.close())

    // A first answer works, on Alice's key (not the platform's).
    const q1 = await sendUserMessage(alice, chatId, null, 'First on my key [[tokens:5]]')
    const a1 = randomUUID()
    assert.equal(await replyStatus(alice, chatId, q1, { assistantMessageId: a1 }), 202)
    const firstRow = await finalMessage(a1)
    assert.equal(firstRow.status, 'complete')
    const first = emulator.requests.findLast((request) =>
      JSON.stringify(request.body).includes('First on my key')
    )
    assert.equal(first?.headers.authorization, `Bearer ${aliceKey}`)

    // Then she revokes it at OpenRouter; the next answer in the same chat gets a 401.
    emulator.configure({ isValidKey: (key) => key !== aliceKey && defaultKeyRule(key) })
    cleanup(() => emulator.configure({ isValidKey: defaultKeyRule }))
    const q2 = await sendUserMessage(alice, chatId, a1, 'Second on my key [[tokens:40]]')
    const a2 = randomUUID()
    assert.equal(await replyStatus(alice, chatId, q2, { assistantMessageId: a2 }), 202)
    live.send({ type: 'subscribe', messageId: a2, fromSeq: 0 })

    const row = await finalMessage(a2)
    assert.equal(row.status, 'error')
    assert.equal(
      row.error,
      'OpenRouter rejected your API key. Check or replace it in Settings → API keys.'
    )
    assert.equal(row.content, '')
    const refused = emulator.requests.findLast((request) =>
      JSON.stringify(request.body).includes('Second on my key')
    )
    // Her key was sent (no silent fallback to the platform key), and the emulator echoed it back.
    assert.equal(refused?.headers.authorization, `Bearer ${aliceKey}`)

    const done = await live.next((frame) => frame.type === 'done' && frame.messageId === a2)
    assert.deepInclude(done, { status: 'error', error: row.error })
    // The provider's 401 body held the key; none of what the app stored or sent does.
    assert.notInclude(JSON.stringify(row), aliceKey)
    assert.notInclude(JSON.stringify(await syncEvents(alice.id)), aliceKey)
    assert.notInclude(JSON.stringify(live.frames), aliceKey)
  })
})
