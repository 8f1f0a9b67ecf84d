import { randomUUID } from 'node:crypto'
import { test } from '@japa/runner'
import app from '@adonisjs/core/services/app'
import db from '@adonisjs/lucid/services/db'
import { startEmulatorForApp } from '#tests/support/llm'
import type { LlmEmulator } from '#llm/emulator/llm_emulator'
import GenerationSettings from '#chat/services/generation_settings'
import InterruptedAnswersService from '#chat/services/interrupted_answers_service'
import { GenerationRegistry } from '#chat/services/generation_registry'
import { ConversationPath, PATH_SQL } from '#chat/services/conversation_path'
import { titleFromMessage } from '#chat/services/chat_title_service'
import ModelCatalogService from '#catalog/services/model_catalog_service'
import { SyncService } from '#sync/services/sync_service'
import {
  chatUser,
  createChat,
  finalMessage,
  liveText,
  messageRow,
  openLive,
  reply,
  sendUserMessage,
  stop,
  syncEvents,
  waitUntil,
  replyStatus,
  stopStatus,
  finalStatus,
  messageField,
  useGenerationSettings,
} from '#tests/functional/chat/chat_helpers'

const MODEL = 'meta-llama/llama-3.3-70b-instruct'
const PLATFORM_KEY = 'sk-or-platform-secret-7f3a9c2e1d'

/* The chat completion requests the emulator received whose last user message contains `marker`. */
function requestsFor(emulator: LlmEmulator, marker: string) {
  return emulator.requests.filter((request) => {
    const messages = (request.body as { messages?: { role: string; content: unknown }[] })?.messages
    const last = messages?.at(-1)
    return typeof last?.content === 'string' && last.content.includes(marker)
  })
}

/* Text of a message as sent: a string, or parts (OpenRouter sends the system prompt as parts). */
function contentText(content: unknown): string {
  if (typeof content === 'string') return content
  if (Array.isArray(content)) return content.map((part) => part?.text ?? '').join('')
  return ''
}

function promptOf(request: { body: unknown }) {
  const { messages } = request.body as { messages?: { role: string; content: unknown }[] }
  return (messages ?? []).map((message) => `${message.role}: ${contentText(message.content)}`)
}

test.group('Generation: reply, live tokens, durable events', (group) => {
  let emulator: LlmEmulator

  group.setup(async () => {
    const started = await startEmulatorForApp({ platformKeys: { openrouter: PLATFORM_KEY } })
    emulator = started.emulator
    // The tests of the stall and title limits set short ones of their own.
    const restoreSettings = useGenerationSettings()
    return async () => {
      restoreSettings()
      await started.stop()
    }
  })

  test('an answer streams on /live and lands in the sync log and the messages table', async ({
    assert,
  }) => {
    const alice = await chatUser('alice')
    const chatId = await createChat(alice, {
      model: MODEL,
      title: 'Streaming',
      systemPrompt: 'You are terse.',
      temperature: 0.3,
    })
    const question = await sendUserMessage(
      alice,
      chatId,
      null,
      'Stream please [[tokens:40]] [[tps:100]]'
    )
    const syncService = await app.container.make(SyncService)
    const { head: headBefore } = await syncService.openStore(alice.id)

    const live = await openLive(alice)
    const otherTab = await openLive(alice)
    const answerId = randomUUID()
    const response = await reply(alice, chatId, question, { assistantMessageId: answerId })
    assert.equal(response.status, 202, response.text)
    assert.deepInclude(response.body.data, {
      assistantMessageId: answerId,
      chatId,
      parentId: question,
      model: MODEL,
      status: 'streaming',
      created: true,
    })

    live.send({ type: 'subscribe', messageId: answerId, fromSeq: 0 })
    otherTab.send({ type: 'subscribe', messageId: answerId })
    const done = await live.next((frame) => frame.type === 'done' && frame.messageId === answerId)
    await otherTab.next((frame) => frame.type === 'done' && frame.messageId === answerId)
    assert.equal(done.status, 'complete')

    const row = await finalMessage(answerId)
    assert.equal(row.status, 'complete')
    assert.equal(row.parent_message_id, question)
    assert.equal(row.model, MODEL)
    assert.equal(row.finish_reason, 'stop')
    assert.isTrue(row.content.startsWith('Echo: Stream please'))
    assert.equal(row.content.split(' ').length, 40)

    for (const tab of [live, otherTab]) {
      const seen = liveText(tab.frames, answerId)
      assert.deepEqual(seen.gaps, [])
      assert.equal(seen.text, row.content)
      assert.isTrue(tab.frames.some((frame) => frame.type === 'token'))
    }

    const usage = JSON.parse(row.usage!)
    assert.equal(usage.outputTokens, 40)
    assert.isAbove(usage.inputTokens, 0)
    const model = (await new ModelCatalogService().find(MODEL))!
    const expectedCost = Math.round(
      usage.inputTokens * model.capabilities.input_price_per_million! +
        usage.outputTokens * model.capabilities.output_price_per_million!
    )
    assert.equal(Number(row.cost_micros), expectedCost)

    const events = await syncEvents(alice.id, headBefore, answerId)
    const names = events.map((event) => event.name)
    assert.equal(names[0], 'v1.AssistantMessageStarted')
    assert.equal(names.at(-1), 'v1.AssistantMessageFinished')
    const checkpoints = names.filter((name) => name === 'v1.AssistantTextCheckpoint')
    // 40 tokens at 100/s last ~400 ms; checkpoints at most every 100 ms (test setting).
    assert.isAtLeast(checkpoints.length, 1)
    assert.isAtMost(checkpoints.length, 6)
    assert.isTrue(events.every((event) => event.clientId === 'server'))
    assert.deepInclude(events.at(-1)!.args, {
      status: 'complete',
      model: MODEL,
      usage,
      costMicros: expectedCost,
    })

    // The chat's system prompt and temperature reached the provider; the path is the question.
    const [request] = requestsFor(emulator, 'Stream please')
    assert.deepEqual(promptOf(request), [
      'system: You are terse.',
      'user: Stream please [[tokens:40]] [[tps:100]]',
    ])
    assert.equal((request.body as { temperature: number }).temperature, 0.3)
    live.close()
    otherTab.close()
  })

  test('the cost OpenRouter reports for an answer is stored, not the catalog estimate', async ({
    assert,
  }) => {
    const alice = await chatUser('alice')
    const chatId = await createChat(alice, { model: MODEL, title: 'Priced' })
    // 0.004321 USD, where the catalog price of 5 tokens would come to a few micro-dollars.
    const question = await sendUserMessage(
      alice,
      chatId,
      null,
      'Priced [[tokens:5]] [[cost:0.004321]]'
    )
    const answerId = randomUUID()
    await reply(alice, chatId, question, { assistantMessageId: answerId })
    const row = await finalMessage(answerId)
    assert.equal(row.status, 'complete')
    assert.equal(Number(row.cost_micros), 4321)
    const [finished] = await syncEvents(alice.id, 0, answerId, 'v1.AssistantMessageFinished')
    assert.equal(finished.args.costMicros, 4321)
  })

  test('a tab attaching mid-answer gets the text so far, then the rest', async ({ assert }) => {
    const alice = await chatUser('alice')
    const chatId = await createChat(alice, { model: MODEL, title: 'Late tab' })
    const question = await sendUserMessage(alice, chatId, null, 'Late [[tokens:150]] [[tps:60]]')
    const answerId = randomUUID()
    const first = await openLive(alice)
    assert.equal(await replyStatus(alice, chatId, question, { assistantMessageId: answerId }), 202)
    first.send({ type: 'subscribe', messageId: answerId })
    await first.next((frame) => frame.type === 'token' && frame.seq >= 20)

    // A reloaded tab that has nothing yet (fromSeq 0), and one that resumes from its last seq.
    const late = await openLive(alice)
    late.send({ type: 'subscribe', messageId: answerId, fromSeq: 0 })
    const resumed = await openLive(alice)
    const knownSeq = liveText(first.frames, answerId).seq
    resumed.send({ type: 'subscribe', messageId: answerId, fromSeq: knownSeq })

    await late.next((frame) => frame.type === 'done' && frame.messageId === answerId)
    await resumed.next((frame) => frame.type === 'done' && frame.messageId === answerId)
    const row = await finalMessage(answerId)
    assert.equal(liveText(late.frames, answerId).text, row.content)
    assert.deepEqual(liveText(late.frames, answerId).gaps, [])
    const resumedTokens = resumed.frames.filter((frame) => frame.type === 'token')
    assert.isAbove(resumedTokens[0].seq, knownSeq - 1)
    assert.equal(liveText(first.frames, answerId).text, row.content)
    // After the end, a subscription is told the final status at once.
    const after = await openLive(alice)
    after.send({ type: 'subscribe', messageId: answerId })
    const done = await after.next((frame) => frame.type === 'done')
    assert.equal(done.status, 'complete')
    for (const client of [first, late, resumed, after]) client.close()
  })

  test('stop ends the answer as stopped and keeps the partial text', async ({ assert }) => {
    const alice = await chatUser('alice')
    const chatId = await createChat(alice, { model: MODEL, title: 'Stop me' })
    const question = await sendUserMessage(alice, chatId, null, 'Long [[tokens:5000]] [[tps:100]]')
    const live = await openLive(alice)
    const answerId = randomUUID()
    assert.equal(await replyStatus(alice, chatId, question, { assistantMessageId: answerId }), 202)
    live.send({ type: 'subscribe', messageId: answerId })
    await live.next((frame) => frame.type === 'token' && frame.seq >= 5)

    const stopped = await stop(alice, chatId, answerId)
    assert.equal(stopped.status, 200, stopped.text)
    assert.deepEqual(stopped.body.data, {
      assistantMessageId: answerId,
      status: 'stopped',
      stopped: true,
    })
    const done = await live.next((frame) => frame.type === 'done')
    assert.equal(done.status, 'stopped')

    const row = await finalMessage(answerId)
    assert.equal(row.status, 'stopped')
    assert.isTrue(row.content.startsWith('Echo: Long'))
    assert.isBelow(row.content.split(' ').length, 5000)
    assert.equal(liveText(live.frames, answerId).text, row.content)

    // Again: idempotent, it reports the final state.
    const again = await stop(alice, chatId, answerId)
    assert.equal(again.status, 200)
    assert.deepEqual(again.body.data, {
      assistantMessageId: answerId,
      status: 'stopped',
      stopped: false,
    })
    live.close()
  })

  test('the reply is idempotent on the answer id', async ({ assert }) => {
    const alice = await chatUser('alice')
    const chatId = await createChat(alice, { model: MODEL, title: 'Twice' })
    const marker = `idem-${randomUUID()}`
    const question = await sendUserMessage(
      alice,
      chatId,
      null,
      `${marker} [[tokens:30]] [[tps:200]]`
    )
    const answerId = randomUUID()
    const body = { assistantMessageId: answerId }
    const [one, two] = await Promise.all([
      reply(alice, chatId, question, body),
      reply(alice, chatId, question, body),
    ])
    assert.equal(one.status, 202)
    assert.equal(two.status, 202)
    assert.sameMembers(
      [one.body.data.created, two.body.data.created],
      [true, false],
      'exactly one request started it'
    )
    await finalMessage(answerId)
    const three = await reply(alice, chatId, question, body)
    assert.equal(three.status, 202)
    assert.deepInclude(three.body.data, {
      assistantMessageId: answerId,
      status: 'complete',
      created: false,
    })
    assert.lengthOf(requestsFor(emulator, marker), 1)

    // The same id for another message is a conflict, not a second answer.
    const other = await sendUserMessage(alice, chatId, question, 'Another question')
    const conflict = await reply(alice, chatId, other, body)
    assert.equal(conflict.status, 409)
    assert.equal(conflict.body.errors[0].code, 'E_ANSWER_ID_TAKEN')
  })

  test('regenerate adds a sibling answer; the prompt is the path only', async ({ assert }) => {
    const alice = await chatUser('alice')
    const chatId = await createChat(alice, { model: MODEL, title: 'Branches' })
    const q1 = await sendUserMessage(alice, chatId, null, 'First question [[tokens:5]]')
    const a1 = randomUUID()
    await reply(alice, chatId, q1, { assistantMessageId: a1 })
    const a1Row = await finalMessage(a1)
    const marker = `second-${randomUUID()}`
    const q2 = await sendUserMessage(alice, chatId, a1, `${marker} [[tokens:5]]`)
    const a2 = randomUUID()
    await reply(alice, chatId, q2, { assistantMessageId: a2 })
    await finalMessage(a2)

    const a2b = randomUUID()
    const regenerated = await reply(alice, chatId, q2, {
      assistantMessageId: a2b,
      regenerate: true,
    })
    assert.equal(regenerated.status, 202)
    const row = await finalMessage(a2b)
    assert.equal(row.status, 'complete')
    assert.equal(row.parent_message_id, q2)
    assert.equal(await messageField(a2, 'parent_message_id'), q2)

    const requests = requestsFor(emulator, marker)
    assert.lengthOf(requests, 2)
    const expected = [
      'user: First question [[tokens:5]]',
      `assistant: ${a1Row.content}`,
      `user: ${marker} [[tokens:5]]`,
    ]
    // Neither the first answer to q2 nor anything else is sent with the regeneration.
    assert.deepEqual(promptOf(requests[1]), expected)
    assert.deepEqual(promptOf(requests[0]), expected)

    // The chat follows the newest answer.
    const chat = await db.from('chats').where('id', chatId).first()
    assert.equal(chat.active_leaf_id, a2b)
  })

  test('edit-and-resend: a sibling user message gets its own answer on its own path', async ({
    assert,
  }) => {
    const alice = await chatUser('alice')
    const chatId = await createChat(alice, { model: MODEL, title: 'Edit' })
    const q1 = await sendUserMessage(alice, chatId, null, 'Opening [[tokens:4]]')
    const a1 = randomUUID()
    await reply(alice, chatId, q1, { assistantMessageId: a1 })
    await finalMessage(a1)
    const q2 = await sendUserMessage(alice, chatId, a1, 'Original wording [[tokens:4]]')
    const a2 = randomUUID()
    await reply(alice, chatId, q2, { assistantMessageId: a2 })
    await finalMessage(a2)

    const marker = `edited-${randomUUID()}`
    const edited = await sendUserMessage(alice, chatId, a1, `${marker} [[tokens:4]]`)
    const a3 = randomUUID()
    assert.equal(await replyStatus(alice, chatId, edited, { assistantMessageId: a3 }), 202)
    const row = await finalMessage(a3)
    assert.equal(row.status, 'complete')
    assert.equal(row.parent_message_id, edited)
    const [request] = requestsFor(emulator, marker)
    const prompt = promptOf(request)
    assert.lengthOf(prompt, 3)
    assert.notInclude(prompt.join('\n'), 'Original wording')
  })

  test('provider failures end the answer with status error and a clear reason', async ({
    assert,
    cleanup,
  }) => {
    // No token for 400 ms is a stall here: the emulator's stalls never end.
    cleanup(useGenerationSettings(new GenerationSettings(400, 60_000, 100, 5_000)))
    const alice = await chatUser('alice')
    const live = await openLive(alice)
    const cases = [
      { fail: '401', reason: /OpenRouter refused the service's key/ },
      { fail: '429', reason: /OpenRouter is rate limiting requests/ },
      { fail: '500', reason: /OpenRouter had a problem answering \(HTTP 500\)/ },
      { fail: 'stall', reason: /OpenRouter stopped sending the answer/ },
      { fail: 'stall-mid', reason: /OpenRouter stopped sending the answer/, partial: true },
      { fail: 'cut', reason: /closed the connection|went wrong|problem/, partial: true },
    ]
    for (const { fail, reason, partial } of cases) {
      const chatId = await createChat(alice, { model: MODEL, title: `Fail ${fail}` })
      const question = await sendUserMessage(
        alice,
        chatId,
        null,
        `Fail ${fail} [[fail:${fail}]] [[tokens:200]] [[tps:400]]`
      )
      const answerId = randomUUID()
      assert.equal(
        await replyStatus(alice, chatId, question, { assistantMessageId: answerId }),
        202
      )
      live.send({ type: 'subscribe', messageId: answerId })
      const row = await finalMessage(answerId)
      assert.equal(row.status, 'error', fail)
      assert.match(row.error ?? '', reason, fail)
      assert.notInclude(row.error ?? '', PLATFORM_KEY, fail)
      if (partial) {
        assert.isTrue(row.content.startsWith('Echo: Fail'), `${fail}: partial text kept`)
      }
      const done = await live.next((frame) => frame.type === 'done' && frame.messageId === answerId)
      assert.equal(done.status, 'error', fail)
      assert.equal(done.error, row.error, fail)
    }
    // The key the provider echoed back in its 401 never reached the sync log.
    const log = JSON.stringify(await syncEvents(alice.id))
    assert.notInclude(log, PLATFORM_KEY)
    assert.notInclude(JSON.stringify(live.frames), PLATFORM_KEY)
    live.close()
  })

  test('refusals: validation, message not synced yet, unknown model', async ({ assert }) => {
    const alice = await chatUser('alice')
    const chatId = await createChat(alice, { model: MODEL, title: 'Refusals' })
    const question = await sendUserMessage(alice, chatId, null, 'Hi')

    const badId = await reply(alice, chatId, question, { assistantMessageId: 'nope' })
    assert.equal(badId.status, 422)
    assert.equal(badId.body.errors[0].field, 'assistantMessageId')

    const notYet = await reply(alice, chatId, randomUUID(), { assistantMessageId: randomUUID() })
    assert.equal(notYet.status, 409)
    assert.equal(notYet.body.errors[0].code, 'E_MESSAGE_NOT_SYNCED')
    assert.equal(notYet.body.errors[0].retryAfterMs, 500)

    const unknown = await reply(alice, chatId, question, {
      assistantMessageId: randomUUID(),
      model: 'no/such-model',
    })
    assert.equal(unknown.status, 422)
    assert.equal(unknown.body.errors[0].code, 'E_UNKNOWN_MODEL')

    // A paid model on the platform key, for a user who does not pay: the lock the picker shows.
    const locked = await reply(alice, chatId, question, {
      assistantMessageId: randomUUID(),
      model: 'openai/gpt-5',
    })
    assert.equal(locked.status, 403)
    assert.equal(locked.body.errors[0].code, 'E_MODEL_LOCKED')

    const noChat = await reply(alice, randomUUID(), question, { assistantMessageId: randomUUID() })
    assert.equal(noChat.status, 404)
  })

  test("another user can neither reply into, stop, nor watch someone else's answers", async ({
    assert,
  }) => {
    const alice = await chatUser('alice')
    const mallory = await chatUser('mallory')
    const chatId = await createChat(alice, { model: MODEL, title: 'Private' })
    const question = await sendUserMessage(
      alice,
      chatId,
      null,
      'Secret [[tokens:3000]] [[tps:100]]'
    )

    const intrusion = await reply(mallory, chatId, question, { assistantMessageId: randomUUID() })
    assert.equal(intrusion.status, 404)
    assert.equal(intrusion.body.errors[0].code, 'E_CHAT_NOT_FOUND')

    const answerId = randomUUID()
    assert.equal(await replyStatus(alice, chatId, question, { assistantMessageId: answerId }), 202)
    const aliceLive = await openLive(alice)
    aliceLive.send({ type: 'subscribe', messageId: answerId })
    await aliceLive.next((frame) => frame.type === 'token')

    const spy = await openLive(mallory)
    spy.send({ type: 'subscribe', messageId: answerId, fromSeq: 0 })
    const refused = await spy.next((frame) => frame.type === 'error')
    assert.deepInclude(refused, { code: 'not_found', messageId: answerId })
    assert.equal(await stopStatus(mallory, chatId, answerId), 404)
    // Mallory reusing Alice's answer id in her own chat does not attach to Alice's answer.
    const ownChat = await createChat(mallory, { model: MODEL, title: 'Mine' })
    const ownQuestion = await sendUserMessage(mallory, ownChat, null, 'Mine')
    const hijack = await reply(mallory, ownChat, ownQuestion, { assistantMessageId: answerId })
    assert.equal(hijack.status, 409)

    assert.equal(await stopStatus(alice, chatId, answerId), 200)
    await finalMessage(answerId)
    assert.isFalse(spy.frames.some((frame) => frame.type === 'token' || frame.type === 'snapshot'))
    spy.close()
    aliceLive.close()
  })

  test('the /live endpoint refuses bad upgrades and answers bad frames with error frames', async ({
    assert,
  }) => {
    const alice = await chatUser('alice')
    await assert.rejects(() => openLive(alice, { origin: 'https://evil.example' }), /403/)
    await assert.rejects(() => openLive(alice, { cookie: '' }), /401/)

    const live = await openLive(alice)
    live.send('not json')
    live.send({ type: 'subscribe', messageId: 'not-a-uuid' })
    live.send({ type: 'dance', messageId: randomUUID() })
    live.send({ type: 'subscribe', messageId: randomUUID(), fromSeq: -1 })
    await waitUntil(() => live.frames.length >= 4)
    assert.isTrue(
      live.frames.every((frame) => frame.type === 'error' && frame.code === 'bad_frame')
    )
    // Still serving after all that.
    const unknown = randomUUID()
    live.send({ type: 'subscribe', messageId: unknown })
    const frame = await live.next((f) => f.messageId === unknown)
    assert.equal(frame.code, 'not_found')
    live.close()
  })

  test('after a restart, answers left streaming are finished as interrupted', async ({
    assert,
  }) => {
    const alice = await chatUser('alice')
    const chatId = await createChat(alice, { model: MODEL, title: 'Crash' })
    const question = await sendUserMessage(alice, chatId, null, 'Before the crash')
    const answerId = randomUUID()
    const sync = await app.container.make(SyncService)
    // What a process that died mid-answer left: Started and a checkpoint, no Finished.
    await sync.appendServerEvents(alice.id, [
      {
        name: 'v1.AssistantMessageStarted',
        args: { id: answerId, chatId, parentId: question, model: MODEL, createdAt: Date.now() },
      },
      { name: 'v1.AssistantTextCheckpoint', args: { id: answerId, text: 'Half an ans' } },
    ])
    assert.equal(await messageField(answerId, 'status'), 'streaming')

    const recovery = await app.container.make(InterruptedAnswersService)
    assert.isAtLeast(await recovery.finishAll(), 1)
    const row = (await messageRow(answerId))!
    assert.equal(row.status, 'interrupted')
    assert.equal(row.content, 'Half an ans')
    const finished = await syncEvents(alice.id, 0, answerId, 'v1.AssistantMessageFinished')
    assert.lengthOf(finished, 1)
    assert.equal(finished[0].args.status, 'interrupted')

    // Idempotent: a second run finds nothing left to do for it.
    await recovery.finishAll()
    const again = await syncEvents(alice.id, 0, answerId, 'v1.AssistantMessageFinished')
    assert.lengthOf(again, 1)
  })

  test('on shutdown, running answers end as interrupted with their text so far', async ({
    assert,
  }) => {
    const alice = await chatUser('alice')
    const chatId = await createChat(alice, { model: MODEL, title: 'Shutdown' })
    const question = await sendUserMessage(alice, chatId, null, 'Slow [[tokens:5000]] [[tps:100]]')
    const live = await openLive(alice)
    const answerId = randomUUID()
    assert.equal(await replyStatus(alice, chatId, question, { assistantMessageId: answerId }), 202)
    live.send({ type: 'subscribe', messageId: answerId })
    await live.next((frame) => frame.type === 'token' && frame.seq >= 3)

    // What ChatProvider.shutdown does before the database closes.
    const registry = await app.container.make(GenerationRegistry)
    await registry.stopAll()
    const row = (await messageRow(answerId))!
    assert.equal(row.status, 'interrupted')
    assert.isTrue(row.content.startsWith('Echo: Slow'))
    const done = await live.next((frame) => frame.type === 'done')
    assert.equal(done.status, 'interrupted')
    live.close()
  })

  test('an automatic title after the first exchange, unless the user renamed the chat', async ({
    assert,
    cleanup,
  }) => {
    let restoreSettings = () => {}
    cleanup(() => restoreSettings())
    const alice = await chatUser('alice')
    const text = 'Plan a trip to Lisbon in spring [[tokens:6]]'
    const chatId = await createChat(alice, { model: MODEL, title: titleFromMessage(text) })
    const question = await sendUserMessage(alice, chatId, null, text)
    const answerId = randomUUID()
    await reply(alice, chatId, question, { assistantMessageId: answerId })
    await finalMessage(answerId)
    await waitUntil(async () => {
      const chat = await db.from('chats').where('id', chatId).first()
      return chat.title !== titleFromMessage(text)
    })
    const chat = await db.from('chats').where('id', chatId).first()
    // The emulator answers a title request with the message's first five words.
    assert.equal(chat.title, 'Plan a trip to Lisbon')
    assert.isAtMost(chat.title.length, 60)
    const renamed = await syncEvents(alice.id, 0, null, 'v1.ChatRenamed')
    assert.lengthOf(renamed, 1)

    // The title call times out (the model is slow to start): the first words of the message.
    restoreSettings = useGenerationSettings(new GenerationSettings(5_000, 60_000, 100, 250))
    const slow = 'Why does my sourdough collapse overnight [[ttft:1000]] [[tokens:3]]'
    const slowChat = await createChat(alice, { model: MODEL, title: titleFromMessage(slow) })
    const slowQuestion = await sendUserMessage(alice, slowChat, null, slow)
    const slowAnswer = randomUUID()
    await reply(alice, slowChat, slowQuestion, { assistantMessageId: slowAnswer })
    assert.equal(await finalStatus(slowAnswer), 'complete')
    await waitUntil(async () => {
      const row = await db.from('chats').where('id', slowChat).first()
      return row.title !== titleFromMessage(slow)
    })
    const slowRow = await db.from('chats').where('id', slowChat).first()
    assert.equal(slowRow.title, 'Why does my sourdough collapse overnight')
    restoreSettings()

    // An answer that failed gives no title: the chat keeps its name.
    const failing = 'Broken [[fail:500]]'
    const failingChat = await createChat(alice, { model: MODEL, title: titleFromMessage(failing) })
    const failingQuestion = await sendUserMessage(alice, failingChat, null, failing)
    const failingAnswer = randomUUID()
    await reply(alice, failingChat, failingQuestion, { assistantMessageId: failingAnswer })
    assert.equal(await finalStatus(failingAnswer), 'error')
    const keptChat = await db.from('chats').where('id', failingChat).first()
    assert.equal(keptChat.title, titleFromMessage(failing))

    // Renamed by the user before the answer ended: left alone.
    const other = 'Explain monads simply [[tokens:5]] [[tps:50]]'
    const otherChat = await createChat(alice, { model: MODEL, title: titleFromMessage(other) })
    const otherQuestion = await sendUserMessage(alice, otherChat, null, other)
    const otherAnswer = randomUUID()
    await reply(alice, otherChat, otherQuestion, { assistantMessageId: otherAnswer })
    const sync = await app.container.make(SyncService)
    await sync.appendServerEvents(alice.id, [
      { name: 'v1.ChatRenamed', args: { id: otherChat, title: 'My monads' } },
    ])
    await finalMessage(otherAnswer)
    // Any title task has run by the time a later answer in the same store is finished.
    const later = await sendUserMessage(alice, otherChat, otherAnswer, 'And functors? [[tokens:3]]')
    const laterAnswer = randomUUID()
    await reply(alice, otherChat, later, { assistantMessageId: laterAnswer })
    await finalMessage(laterAnswer)
    const otherRow = await db.from('chats').where('id', otherChat).first()
    assert.equal(otherRow.title, 'My monads')
  })

  test('starting a reply reads only the path: its cost does not depend on other branches', async ({
    assert,
  }) => {
    const alice = await chatUser('alice')
    const chatId = await createChat(alice, { model: MODEL, title: 'Big tree' })
    const sync = await app.container.make(SyncService)
    // A trunk of 20 messages, and 600 messages in side branches hanging off it.
    const trunk: string[] = []
    const events: { name: 'v1.UserMessageSent'; args: unknown }[] = []
    let parent: string | null = null
    for (let index = 0; index < 20; index++) {
      const id = randomUUID()
      events.push({
        name: 'v1.UserMessageSent',
        args: { id, chatId, parentId: parent, text: `trunk ${index}`, createdAt: Date.now() },
      })
      trunk.push(id)
      parent = id
    }
    for (let branch = 0; branch < 30; branch++) {
      let branchParent = trunk[branch % trunk.length]
      for (let depth = 0; depth < 20; depth++) {
        const id = randomUUID()
        events.push({
          name: 'v1.UserMessageSent',
          args: {
            id,
            chatId,
            parentId: branchParent,
            text: `side ${branch}.${depth}`,
            createdAt: Date.now(),
          },
        })
        branchParent = id
      }
    }
    // In slices: one append is one multi-row INSERT, and SQLite caps its terms at 500.
    for (let start = 0; start < events.length; start += 100) {
      await sync.appendServerEvents(alice.id, events.slice(start, start + 100))
    }
    const total = await db.from('messages').where('chat_id', chatId).count('* as n')
    assert.equal(Number(total[0].n), 620)

    const path = await new ConversationPath().load(chatId, trunk.at(-1)!)
    assert.deepEqual(
      path.map((message) => message.id),
      trunk
    )
    // The plan: one primary-key search per step of the path, never a scan of messages.
    const plan: { detail: string }[] = await db.rawQuery(`EXPLAIN QUERY PLAN ${PATH_SQL}`, [
      trunk.at(-1),
      chatId,
    ])
    const details = plan.map((row) => row.detail)
    assert.isTrue(
      details.some((detail) =>
        /SEARCH m USING .*PRIMARY KEY|SEARCH m USING INDEX sqlite_autoindex_messages_1/.test(detail)
      ),
      details.join(' | ')
    )
    assert.isFalse(
      details.some((detail) => /^SCAN (messages|m)\b/.test(detail)),
      details.join(' | ')
    )

    // SQLite counts the rows the path query steps through: the path, not the chat.
    const steps = await db.rawQuery(
      `SELECT COUNT(*) AS n FROM (${PATH_SQL.replace(/ORDER BY depth DESC/, '')})`,
      [trunk.at(-1), chatId]
    )
    assert.equal(Number(steps[0].n), 20)

    // And the reply itself works on that chat.
    const answerId = randomUUID()
    assert.equal(
      await replyStatus(alice, chatId, trunk.at(-1)!, { assistantMessageId: answerId }),
      202
    )
    assert.equal(await finalStatus(answerId), 'complete')
    const [request] = emulator.requests.filter((r) =>
      promptOf(r).some((line) => line === 'user: trunk 19')
    )
    assert.lengthOf(promptOf(request), 20)
  })
})
