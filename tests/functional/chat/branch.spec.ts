import { randomUUID } from 'node:crypto'
import { test } from '@japa/runner'
import app from '@adonisjs/core/services/app'
import db from '@adonisjs/lucid/services/db'
import { jsonRequest } from '#tests/support/llm'
import { SyncService } from '#sync/services/sync_service'
import { chatUser, createChat, sendUserMessage, type ChatUser } from './chat_helpers.js'

/* A finished answer, written as the generation writes one. */
async function answer(user: ChatUser, chatId: string, parentId: string, text: string) {
  const id = randomUUID()
  const sync = await app.container.make(SyncService)
  await sync.appendServerEvents(user.id, [
    {
      name: 'v1.AssistantMessageStarted',
      args: { id, chatId, parentId, model: 'dev/emulator', createdAt: Date.now() },
    },
    {
      name: 'v1.AssistantMessageFinished',
      args: {
        id,
        text,
        status: 'complete',
        finishReason: 'stop',
        usage: { inputTokens: 3, outputTokens: 5 },
        costMicros: 7,
        model: 'dev/emulator',
      },
    },
  ])
  return id
}

const branch = (user: ChatUser, chatId: string, messageId: string, body: unknown) =>
  jsonRequest(user.session, 'POST', `/api/chats/${chatId}/messages/${messageId}/branch`, body)

test.group('Branch into a new chat', () => {
  test('copies the path root -> message, answers included, into a new chat', async ({ assert }) => {
    const user = await chatUser('branch')
    const chatId = await createChat(user, { model: 'dev/emulator', title: 'Trip' })
    const u1 = await sendUserMessage(user, chatId, null, 'Plan a trip')
    const a1 = await answer(user, chatId, u1, 'Go to **Lisbon**')
    const u2 = await sendUserMessage(user, chatId, a1, 'And then?')
    await answer(user, chatId, u2, 'Sintra')
    /* Another branch, which must not be copied. */
    await sendUserMessage(user, chatId, a1, 'Something else')

    const newChatId = randomUUID()
    const response = await branch(user, chatId, u2, { newChatId })
    assert.equal(response.status, 201)
    assert.deepEqual(response.body.data, { chatId: newChatId, messages: 3, created: true })

    const copy = await db.from('chats').where('id', newChatId).first()
    assert.equal(copy.user_id, user.id)
    assert.equal(copy.title, 'Trip (branch)')
    const rows = await db.from('messages').where('chat_id', newChatId).orderBy('created_at')
    assert.deepEqual(
      rows.map((row) => [row.role, row.content, row.status]),
      [
        ['user', 'Plan a trip', 'complete'],
        ['assistant', 'Go to **Lisbon**', 'complete'],
        ['user', 'And then?', 'complete'],
      ]
    )
    assert.isNull(rows[0].parent_message_id)
    assert.equal(rows[1].parent_message_id, rows[0].id)
    assert.equal(rows[2].parent_message_id, rows[1].id)
    assert.notInclude([u1, a1, u2], rows[0].id)
    /* Metering counts the original answer only. */
    assert.isNull(rows[1].cost_micros)

    /* Idempotent on the new chat's id. */
    const again = await branch(user, chatId, u2, { newChatId })
    assert.equal(again.status, 200)
    assert.isFalse(again.body.data.created)
    assert.lengthOf(await db.from('messages').where('chat_id', newChatId), 3)
  })

  test('refuses other users’ chats, unknown messages, taken ids and bad input', async ({
    assert,
  }) => {
    const owner = await chatUser('branch-owner')
    const stranger = await chatUser('branch-stranger')
    const chatId = await createChat(owner, { model: 'dev/emulator' })
    const u1 = await sendUserMessage(owner, chatId, null, 'Private')

    const foreign = await branch(stranger, chatId, u1, { newChatId: randomUUID() })
    assert.equal(foreign.status, 404)
    assert.equal(foreign.body.errors[0].code, 'E_CHAT_NOT_FOUND')

    const unknown = await branch(owner, chatId, randomUUID(), { newChatId: randomUUID() })
    assert.equal(unknown.status, 409)
    assert.equal(unknown.body.errors[0].code, 'E_MESSAGE_NOT_SYNCED')

    const taken = await branch(stranger, chatId, u1, { newChatId: chatId })
    assert.equal(taken.status, 409)
    assert.equal(taken.body.errors[0].code, 'E_CHAT_ID_TAKEN')

    const invalid = await branch(owner, chatId, u1, { newChatId: 'not-a-uuid' })
    assert.equal(invalid.status, 422)
    const badParams = await branch(owner, 'nope', u1, { newChatId: randomUUID() })
    assert.equal(badParams.status, 422)
  })
})
