import { test } from '@japa/runner'
import { makeAdapter } from '@livestore/adapter-node'
import { createStorePromise, type Store } from '@livestore/livestore'
import { LogLevel } from '@livestore/utils/effect'
import { events, schema, tables } from '#shared/livestore/schema'

/*
| The materializers written as plain SQL (shared/livestore/schema.ts) must write what the query
| builder wrote, and stay idempotent. They run here in a real LiveStore (in memory, no sync):
| each commit is applied by the session and by the leader, which in development mode also
| checks that both produced the same statements.
*/
async function openStore() {
  return createStorePromise({
    adapter: makeAdapter({ storage: { type: 'in-memory' } }),
    schema,
    storeId: `materializers-${crypto.randomUUID()}`,
    disableDevtools: true,
    logLevel: LogLevel.Warning,
  })
}

const chatRow = (store: Store<typeof schema>, id: string) =>
  store.query(tables.chats.where({ id }).first())
const messageRow = (store: Store<typeof schema>, id: string) =>
  store.query(tables.messages.where({ id }).first())

test.group('LiveStore materializers', (group) => {
  let store: Store<typeof schema>
  group.each.setup(async () => {
    store = await openStore()
    return () => store.shutdownPromise()
  })

  test('v1.ChatCreated inserts the chat once', ({ assert }) => {
    store.commit(events.chatCreated({ id: 'c1', title: 'First', model: 'm1', createdAt: 10 }))
    store.commit(events.chatCreated({ id: 'c1', title: 'Again', model: 'm2', createdAt: 20 }))

    assert.deepEqual(chatRow(store, 'c1'), {
      id: 'c1',
      title: 'First',
      model: 'm1',
      systemPrompt: null,
      temperature: null,
      pinned: false,
      activeLeafId: null,
      createdAt: 10,
      updatedAt: 10,
      deletedAt: null,
    })
    assert.equal(store.query(tables.chats.count()), 1)
  })

  test('v1.UserMessageSent inserts the message once and makes it the active leaf', ({ assert }) => {
    store.commit(events.chatCreated({ id: 'c1', title: '', model: 'm1', createdAt: 10 }))
    store.commit(
      events.userMessageSent({ id: 'u1', chatId: 'c1', parentId: null, text: 'Hi', createdAt: 20 })
    )
    store.commit(
      events.userMessageSent({ id: 'u2', chatId: 'c1', parentId: 'u1', text: 'Yo', createdAt: 30 })
    )
    // A duplicate keeps the first text (the chat's leaf and time follow the event, as before).
    store.commit(
      events.userMessageSent({ id: 'u2', chatId: 'c1', parentId: 'u1', text: 'X', createdAt: 30 })
    )

    assert.deepEqual(messageRow(store, 'u2'), {
      id: 'u2',
      chatId: 'c1',
      parentId: 'u1',
      role: 'user',
      text: 'Yo',
      status: 'complete',
      model: null,
      finishReason: null,
      error: null,
      usage: null,
      costMicros: null,
      contextStartId: null,
      createdAt: 30,
    })
    assert.equal(messageRow(store, 'u1')?.parentId, null)
    assert.equal(store.query(tables.messages.count()), 2)
    const chat = chatRow(store, 'c1')
    assert.equal(chat?.activeLeafId, 'u2')
    assert.equal(chat?.updatedAt, 30)
  })

  test('an answer starts streaming, takes checkpoints, and ignores them once finished', ({
    assert,
  }) => {
    store.commit(events.chatCreated({ id: 'c1', title: '', model: 'm1', createdAt: 10 }))
    store.commit(
      events.userMessageSent({ id: 'u1', chatId: 'c1', parentId: null, text: 'Hi', createdAt: 20 })
    )
    store.commit(
      events.assistantMessageStarted({
        id: 'a1',
        chatId: 'c1',
        parentId: 'u1',
        model: 'm1',
        createdAt: 25,
      })
    )
    const started = messageRow(store, 'a1')
    assert.include(started, {
      role: 'assistant',
      text: '',
      status: 'streaming',
      model: 'm1',
      parentId: 'u1',
      createdAt: 25,
    })
    assert.equal(chatRow(store, 'c1')?.activeLeafId, 'a1')
    assert.equal(chatRow(store, 'c1')?.updatedAt, 25)

    store.commit(events.assistantTextCheckpoint({ id: 'a1', text: 'Hel' }))
    assert.equal(messageRow(store, 'a1')?.text, 'Hel')

    store.commit(
      events.assistantMessageFinished({
        id: 'a1',
        text: 'Hello',
        status: 'complete',
        finishReason: 'stop',
        usage: { inputTokens: 1, outputTokens: 2 },
        model: 'm1',
      })
    )
    store.commit(events.assistantTextCheckpoint({ id: 'a1', text: 'Hel (late)' }))
    assert.include(messageRow(store, 'a1'), { text: 'Hello', status: 'complete' })
  })
})
