import { randomUUID } from 'node:crypto'
import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import { startEmulatorForApp } from '#tests/support/llm'
import {
  chatUser,
  createChat,
  finalMessage,
  liveText,
  messageRow,
  openLive,
  reply,
  replyFrame,
  sendUserMessage,
  type ChatUser,
  type LiveClient,
} from '#tests/functional/chat/chat_helpers'

/*
| Reply on the socket: { type: 'reply', ... } on /live starts the answer as
| POST .../reply does (same service, same checks, idempotent on the answer
| id), answers { type: 'replied', data } or { type: 'reply_error', status,
| code, message }, and streams the answer to that socket from its first
| token. A socket speaks only for the user and session it was opened with.
*/

const MODEL = 'meta-llama/llama-3.3-70b-instruct'
const PLATFORM_KEY = 'sk-or-platform-live-reply-frame-51aa'

async function question(user: ChatUser, prompt: string) {
  const chatId = await createChat(user, { model: MODEL, title: 'Reply on the socket' })
  const messageId = await sendUserMessage(user, chatId, null, prompt)
  return { chatId, messageId }
}

const answerFrames = (live: LiveClient, answerId: string) =>
  live.frames.filter((frame) => frame.messageId === answerId)

test.group('Reply on the /live socket', (group) => {
  group.setup(async () => {
    const started = await startEmulatorForApp({ platformKeys: { openrouter: PLATFORM_KEY } })
    return () => started.stop()
  })

  test('a reply frame starts the answer and streams it to the same socket from the first token', async ({
    assert,
    cleanup,
  }) => {
    const alice = await chatUser('lrf')
    const live = await openLive(alice, {}, { batch: true })
    cleanup(() => live.close())
    const { chatId, messageId } = await question(alice, 'On the socket [[tokens:10]] [[tps:200]]')
    const answerId = randomUUID()

    const answer = await replyFrame(live, { chatId, messageId, assistantMessageId: answerId })
    assert.equal(answer.type, 'replied', JSON.stringify(answer))
    assert.deepInclude(answer.data, {
      assistantMessageId: answerId,
      chatId,
      parentId: messageId,
      model: MODEL,
      status: 'streaming',
      created: true,
      liveAttached: true,
    })

    const done = await live.next((frame) => frame.type === 'done' && frame.messageId === answerId)
    assert.equal(done.status, 'complete')
    const frames = answerFrames(live, answerId)
    // Attached in the claim's own step: every token from seq 1, no snapshot catching up.
    assert.deepInclude(frames[0], { type: 'token', seq: 1 })
    assert.isFalse(frames.some((frame) => frame.type === 'snapshot'))
    const row = await finalMessage(answerId)
    assert.equal(row.status, 'complete')
    assert.equal(row.chat_id, chatId)
    assert.equal(row.parent_message_id, messageId)
    const seen = liveText(live.frames, answerId)
    assert.deepEqual(seen.gaps, [])
    assert.equal(seen.text, row.content)
    assert.equal(seen.seq, 10)
  })

  test('the same answer id again, on the socket or over HTTP, starts nothing new', async ({
    assert,
    cleanup,
  }) => {
    const alice = await chatUser('lrf-idem')
    const live = await openLive(alice, {}, { batch: true })
    cleanup(() => live.close())
    const { chatId, messageId } = await question(alice, 'Once [[tokens:30]] [[tps:100]]')
    const answerId = randomUUID()
    const frame = { chatId, messageId, assistantMessageId: answerId }

    const first = await replyFrame(live, frame)
    const again = await replyFrame(live, frame)
    assert.isTrue(first.data.created)
    assert.equal(again.type, 'replied')
    assert.isFalse(again.data.created)
    const overHttp = await reply(alice, chatId, messageId, { assistantMessageId: answerId })
    assert.equal(overHttp.status, 202, overHttp.text)
    assert.isFalse(overHttp.body.data.created)

    await finalMessage(answerId)
    const answers = await db
      .from('messages')
      .where('chat_id', chatId)
      .where('role', 'assistant')
      .count('* as total')
    assert.equal(Number(answers[0].total), 1)
    // After it finished: the same 'replied' with its final status, nothing attached.
    const late = await replyFrame(live, frame)
    assert.deepInclude(late.data, { status: 'complete', created: false, liveAttached: false })

    // The id reused for another question is a conflict, as over HTTP.
    const other = await sendUserMessage(alice, chatId, null, 'Another question')
    const taken = await replyFrame(live, { chatId, messageId: other, assistantMessageId: answerId })
    assert.deepInclude(taken, { type: 'reply_error', status: 409, code: 'E_ANSWER_ID_TAKEN' })
  })

  test("a socket cannot reply into another user's chat, and sees nothing of it", async ({
    assert,
    cleanup,
  }) => {
    const alice = await chatUser('lrf-alice')
    const mallory = await chatUser('lrf-mallory')
    const malloryLive = await openLive(mallory, {}, { batch: true })
    cleanup(() => malloryLive.close())
    const { chatId, messageId } = await question(alice, 'Private [[tokens:3]]')
    const answerId = randomUUID()

    const refused = await replyFrame(malloryLive, {
      chatId,
      messageId,
      assistantMessageId: answerId,
    })
    assert.deepInclude(refused, {
      type: 'reply_error',
      assistantMessageId: answerId,
      status: 404,
      code: 'E_CHAT_NOT_FOUND',
    })
    assert.isNull(await messageRow(answerId), 'no answer was started')

    // Alice's own answer under that id: Mallory's socket is never attached to it.
    const aliceLive = await openLive(alice, {}, { batch: true })
    cleanup(() => aliceLive.close())
    const started = await replyFrame(aliceLive, { chatId, messageId, assistantMessageId: answerId })
    assert.equal(started.type, 'replied')
    await aliceLive.next((frame) => frame.type === 'done' && frame.messageId === answerId)
    const again = await replyFrame(malloryLive, { chatId, messageId, assistantMessageId: answerId })
    assert.deepInclude(again, { type: 'reply_error', status: 404, code: 'E_CHAT_NOT_FOUND' })
    assert.deepEqual(answerFrames(malloryLive, answerId), [])
    const row = await finalMessage(answerId)
    assert.notInclude(JSON.stringify(malloryLive.frames), row.content)
  })

  test('bad frames and refusals come back as reply_error with the HTTP status; the socket stays usable', async ({
    assert,
    cleanup,
  }) => {
    const alice = await chatUser('lrf-bad')
    const live = await openLive(alice, {}, { batch: true })
    cleanup(() => live.close())
    const { chatId, messageId } = await question(alice, 'Refusals [[tokens:2]]')

    const malformed = await replyFrame(live, {
      chatId: 'not-a-uuid',
      messageId,
      assistantMessageId: randomUUID(),
    })
    assert.deepInclude(malformed, { type: 'reply_error', status: 422, code: 'E_VALIDATION_ERROR' })
    assert.include(JSON.stringify(malformed.errors), 'chatId')

    const noAnswerId = randomUUID()
    live.send({ type: 'reply', chatId, messageId })
    const missing = await live.next(
      (frame) => frame.type === 'reply_error' && frame.assistantMessageId === null
    )
    assert.equal(missing.status, 422)
    assert.isNull(await messageRow(noAnswerId))

    const notSynced = await replyFrame(live, {
      chatId,
      messageId: randomUUID(),
      assistantMessageId: randomUUID(),
    })
    assert.deepInclude(notSynced, {
      status: 409,
      code: 'E_MESSAGE_NOT_SYNCED',
      retryAfterMs: 500,
    })

    const unknown = await replyFrame(live, {
      chatId,
      messageId,
      assistantMessageId: randomUUID(),
      model: 'no/such-model',
    })
    assert.deepInclude(unknown, { status: 422, code: 'E_UNKNOWN_MODEL' })

    // A paid model on the platform key, for a user who does not pay: the lock the picker shows.
    const locked = await replyFrame(live, {
      chatId,
      messageId,
      assistantMessageId: randomUUID(),
      model: 'openai/gpt-5',
    })
    assert.deepInclude(locked, { status: 403, code: 'E_MODEL_LOCKED', model: 'openai/gpt-5' })
    assert.isString(locked.reason)

    // Still usable: a good reply after all of that.
    const answerId = randomUUID()
    const fine = await replyFrame(live, { chatId, messageId, assistantMessageId: answerId })
    assert.equal(fine.type, 'replied')
    const row = await finalMessage(answerId)
    assert.equal(row.status, 'complete')
  })

  test('the plan is read at each reply: a user made paying on an open socket gets the paid model', async ({
    assert,
    cleanup,
  }) => {
    const alice = await chatUser('lrf-plan')
    const live = await openLive(alice, {}, { batch: true })
    cleanup(() => live.close())
    const { chatId, messageId } = await question(alice, 'Upgrade [[tokens:2]]')
    const before = await replyFrame(live, {
      chatId,
      messageId,
      assistantMessageId: randomUUID(),
      model: 'openai/gpt-5',
    })
    assert.equal(before.code, 'E_MODEL_LOCKED')

    await db.from('users').where('id', alice.id).update({ is_paying_user: true })
    const answerId = randomUUID()
    const after = await replyFrame(live, {
      chatId,
      messageId,
      assistantMessageId: answerId,
      model: 'openai/gpt-5',
    })
    assert.equal(after.type, 'replied', JSON.stringify(after))

    // A user deleted while the socket stays open is refused, not served.
    await finalMessage(answerId)
    await db.from('users').where('id', alice.id).delete()
    const gone = await replyFrame(live, { chatId, messageId, assistantMessageId: randomUUID() })
    assert.deepInclude(gone, { type: 'reply_error', status: 401, code: 'E_UNAUTHORIZED_ACCESS' })
  })
})
