import { randomUUID } from 'node:crypto'
import { rm } from 'node:fs/promises'
import { test } from '@japa/runner'
import app from '@adonisjs/core/services/app'
import { freePort, startAppProcess, stopAppProcess } from '#tests/support/app_process'
import db from '@adonisjs/lucid/services/db'
import { events, schema, tables } from '#shared/livestore/schema'
import { InvalidServerEventError, SyncService } from '#sync/services/sync_service'
import {
  installCookieWebSocket,
  openDevice,
  restoreWebSocket,
  signedInUser,
  waitFor,
  type Device,
  type SyncUser,
} from '#tests/functional/sync/sync_helpers'

async function serverHead(user: SyncUser) {
  const row = await db.from('sync_stores').where('store_id', user.storeId).first()
  return row ? Number(row.head) : 0
}

const isServerAhead = (frame: any) =>
  frame._tag === 'Exit' && frame.exit?.cause?.error?._tag === 'ServerAheadError'

const chunkBackendIds = (device: Device) =>
  new Set(
    device.received
      .filter((frame) => frame._tag === 'Chunk')
      .map((frame) => frame.values[0].backendId as string)
  )

test.group('Sync with the stock LiveStore client', (group) => {
  const devices: Device[] = []
  group.setup(() => {
    installCookieWebSocket()
    return () => restoreWebSocket()
  })
  group.each.teardown(async () => {
    await Promise.all(devices.splice(0).map((device) => device.close()))
  })
  const open = async (...args: Parameters<typeof openDevice>) => {
    const device = await openDevice(...args)
    devices.push(device)
    return device
  }

  test('a push reaches another device of the same user by live pull', async ({ assert }) => {
    const user = await signedInUser()
    const laptop = await open(user)
    const phone = await open(user)

    const chatId = randomUUID()
    laptop.store.commit(
      events.chatCreated({ id: chatId, title: 'From the laptop', model: 'm', createdAt: 1000 })
    )
    await waitFor(() => phone.store.query(tables.chats).length === 1, 'phone sees the chat')
    assert.equal(phone.store.query(tables.chats)[0].title, 'From the laptop')

    phone.store.commit(
      events.userMessageSent({
        id: randomUUID(),
        chatId,
        parentId: null,
        text: 'hello',
        createdAt: 2000,
      })
    )
    await waitFor(() => laptop.store.query(tables.messages).length === 1, 'laptop sees the message')

    assert.equal(await serverHead(user), 2)
    const chat = await db.from('chats').where('id', chatId).firstOrFail()
    assert.equal(chat.user_id, user.id)
    assert.equal(chat.title, 'From the laptop')
    const message = await db.from('messages').where('chat_id', chatId).firstOrFail()
    assert.equal(message.content, 'hello')
    assert.equal(chat.active_leaf_id, message.id)
  })

  test('a stale push gets ServerAheadError, then the client rebases onto the newer events', async ({
    assert,
  }) => {
    const user = await signedInUser()
    const a = await open(user)
    const b = await open(user)
    const chatId = randomUUID()
    a.store.commit(events.chatCreated({ id: chatId, title: 'Shared', model: 'm', createdAt: 1000 }))
    await waitFor(() => b.store.query(tables.chats).length === 1, 'b sees the chat')

    // A does not hear about B's message yet, and writes on top of what it knows.
    a.holdChunks()
    b.store.commit(
      events.userMessageSent({
        id: randomUUID(),
        chatId,
        parentId: null,
        text: 'from b',
        createdAt: 2000,
      })
    )
    await waitFor(async () => (await serverHead(user)) === 2, 'b pushed')
    a.store.commit(events.chatRenamed({ id: chatId, title: 'Renamed on a' }))
    await waitFor(() => a.received.some(isServerAhead), 'a is told the server is ahead')
    assert.equal(await serverHead(user), 2)

    a.releaseChunks()
    await waitFor(async () => (await serverHead(user)) === 3, 'a pushed again after rebasing')
    await waitFor(() => a.store.query(tables.messages).length === 1, 'a has b message')
    await waitFor(
      () => b.store.query(tables.chats)[0]?.title === 'Renamed on a',
      'b has the rename'
    )

    const log = await db
      .from('sync_events')
      .where('store_id', user.storeId)
      .orderBy('seq_num')
      .select('seq_num', 'parent_seq_num', 'name', 'client_id')
    assert.deepEqual(
      log.map((row) => [Number(row.seq_num), Number(row.parent_seq_num), row.name, row.client_id]),
      [
        [1, 0, 'v1.ChatCreated', a.device],
        [2, 1, 'v1.UserMessageSent', b.device],
        [3, 2, 'v1.ChatRenamed', a.device],
      ]
    )
  })

  test('a device reopened from disk pulls from its cursor', async ({ assert }) => {
    const user = await signedInUser()
    const directory = app.makePath('tmp', 'd', 'devices', randomUUID())
    const name = `laptop-${randomUUID()}`
    try {
      const laptop = await openDevice(user, { directory, name })
      laptop.store.commit(
        events.chatCreated({ id: randomUUID(), title: 'One', model: 'm', createdAt: 1 })
      )
      await waitFor(async () => (await serverHead(user)) === 1, 'first chat pushed')
      await waitFor(
        () => laptop.received.some((f) => f._tag === 'Chunk' && f.values[0].batch.length === 1),
        'echo'
      )
      // The echo reached the socket; close only once the device has taken it in as its head.
      await waitFor(() => {
        const status = laptop.store.syncStatus()
        return status.pendingCount === 0 && status.upstreamHead.replace(/r\d+$/, '') === 'e1'
      }, 'laptop at the server head')
      await laptop.close()

      const phone = await open(user)
      phone.store.commit(
        events.chatCreated({ id: randomUUID(), title: 'Two', model: 'm', createdAt: 2 })
      )
      phone.store.commit(
        events.chatCreated({ id: randomUUID(), title: 'Three', model: 'm', createdAt: 3 })
      )
      await waitFor(async () => (await serverHead(user)) === 3, 'phone pushed')

      const reopened = await open(user, { directory, name })
      await waitFor(
        () => reopened.store.query(tables.chats).length === 3,
        'reopened laptop has every chat'
      )
      const firstChunk = reopened.received.find((frame) => frame._tag === 'Chunk')
      assert.deepEqual(
        firstChunk.values[0].batch.map((item: any) => item.eventEncoded.seqNum),
        [2, 3]
      )
    } finally {
      await rm(directory, { recursive: true, force: true })
    }
  })

  test('a device that fails while applying pulled events opens again from disk and catches up', async ({
    assert,
  }) => {
    const user = await signedInUser()
    const sync = await app.container.make(SyncService)
    const directory = app.makePath('tmp', 'd', 'devices', randomUUID())
    const name = `laptop-${randomUUID()}`
    /*
    | The app's schema, except that applying a finished answer fails: the
    | client stops halfway through a pull, as when its tab is closed then.
    | LiveStore 0.4.0 had already saved the backend head by that point, so
    | the next start failed with "backend head (4) should never be greater
    | than the local head (2)" (see tests/functional/sync/README.md).
    */
    const failing = {
      ...schema,
      state: { ...schema.state, materializers: new Map(schema.state.materializers) },
    }
    // A statement that fails when applied (LiveStore also runs materializers just to hash them).
    failing.state.materializers.set(
      'v1.AssistantMessageFinished',
      () => 'UPDATE table_that_does_not_exist SET id = 1'
    )
    const chatId = randomUUID()
    const questionId = randomUUID()
    const answerId = randomUUID()
    try {
      const laptop = await openDevice(user, { directory, name, schema: failing })
      laptop.store.commit(
        events.chatCreated({ id: chatId, title: 'Q', model: 'm', createdAt: 1 }),
        events.userMessageSent({
          id: questionId,
          chatId,
          parentId: null,
          text: 'Hi?',
          createdAt: 2,
        })
      )
      // On the server, and its echo back on the laptop (its backend head is 2).
      await waitFor(async () => (await serverHead(user)) === 2, 'question pushed')
      await waitFor(
        () =>
          laptop.received.some(
            (frame) =>
              frame._tag === 'Chunk' &&
              frame.values[0].batch.some((item: any) => item.eventEncoded.seqNum === 2)
          ),
        'the echo of the question'
      )

      await sync.appendServerEvents(user.id, [
        events.assistantMessageStarted({
          id: answerId,
          chatId,
          parentId: questionId,
          model: 'emulator',
          createdAt: 3,
        }),
        events.assistantMessageFinished({
          id: answerId,
          text: 'Hello!',
          status: 'complete',
          finishReason: 'stop',
          usage: null,
          costMicros: null,
          model: 'emulator',
        }),
      ])
      await waitFor(() => laptop.stopped(), 'the laptop client stops on the failing materializer')
      await laptop.close()

      const reopened = await open(user, { directory, name })
      await waitFor(
        () =>
          reopened.store.query(tables.messages.where({ id: answerId }))[0]?.status === 'complete',
        'the reopened laptop has the answer'
      )
      assert.equal(reopened.store.query(tables.messages.where({ id: answerId }))[0].text, 'Hello!')
      assert.equal(reopened.store.syncStatus().upstreamHead.replace(/r\d+$/, ''), 'e4')
    } finally {
      await Promise.all(devices.splice(0).map((device) => device.close()))
      await rm(directory, { recursive: true, force: true })
    }
  })

  test('server-originated events are appended at the head and reach the devices', async ({
    assert,
  }) => {
    const user = await signedInUser()
    const device = await open(user)
    const sync = await app.container.make(SyncService)
    const chatId = randomUUID()
    const questionId = randomUUID()
    const answerId = randomUUID()
    device.store.commit(
      events.chatCreated({ id: chatId, title: 'Q', model: 'm', createdAt: 1 }),
      events.userMessageSent({ id: questionId, chatId, parentId: null, text: 'Hi?', createdAt: 2 })
    )
    await waitFor(async () => (await serverHead(user)) === 2, 'question pushed')

    const started = await sync.appendServerEvents(user.id, [
      events.assistantMessageStarted({
        id: answerId,
        chatId,
        parentId: questionId,
        model: 'emulator',
        createdAt: 3,
      }),
      events.assistantTextCheckpoint({ id: answerId, text: 'Hel' }),
    ])
    assert.deepEqual(
      started.map((event) => [event.seqNum, event.parentSeqNum, event.clientId]),
      [
        [3, 2, 'server'],
        [4, 3, 'server'],
      ]
    )
    await waitFor(
      () => device.store.query(tables.messages.where({ id: answerId }))[0]?.text === 'Hel',
      'the checkpoint reaches the device'
    )
    assert.equal(device.store.query(tables.messages.where({ id: answerId }))[0].status, 'streaming')

    await sync.appendServerEvents(user.id, [
      events.assistantMessageFinished({
        id: answerId,
        text: 'Hello!',
        status: 'complete',
        finishReason: 'stop',
        usage: { inputTokens: 5, outputTokens: 2 },
        costMicros: 12,
        model: 'emulator',
      }),
      // Late checkpoint: ignored by every materializer and the projection.
      events.assistantTextCheckpoint({ id: answerId, text: 'Hel' }),
    ])
    await waitFor(
      () => device.store.query(tables.messages.where({ id: answerId }))[0]?.status === 'complete',
      'the answer finishes on the device'
    )
    const onDevice = device.store.query(tables.messages.where({ id: answerId }))[0]
    assert.equal(onDevice.text, 'Hello!')
    assert.deepEqual(onDevice.usage, { inputTokens: 5, outputTokens: 2 })

    const row = await db.from('messages').where('id', answerId).firstOrFail()
    assert.equal(row.role, 'assistant')
    assert.equal(row.content, 'Hello!')
    assert.equal(row.status, 'complete')
    assert.equal(row.parent_message_id, questionId)
    assert.equal(row.finish_reason, 'stop')
    assert.deepEqual(JSON.parse(row.usage), { inputTokens: 5, outputTokens: 2 })
    assert.equal(Number(row.cost_micros), 12)
    const chat = await db.from('chats').where('id', chatId).firstOrFail()
    assert.equal(chat.active_leaf_id, answerId)

    await assert.rejects(
      () => sync.appendServerEvents(user.id, [{ name: 'v1.ChatRenamed', args: { id: 42 } }]),
      InvalidServerEventError
    )
    assert.equal(await serverHead(user), 6)
  })

  /*
  | A leader applies confirmed events it pulls while nothing is pending locally
  | through the patch's fast path (prepared statements reused, no changeset per
  | event: patches/README.md); the page applies every event through LiveStore's
  | own path. A history with every event type, the same statements again with
  | other values and with nulls (a reused statement must not keep an old
  | binding), must end up the same both ways.
  */
  test('a new device applies a pulled history as the writing device applied it', async ({
    assert,
  }) => {
    const user = await signedInUser()
    const writer = await open(user)
    const sync = await app.container.make(SyncService)
    const [c1, c2, u1, u2, a1, a2] = Array.from({ length: 6 }, () => randomUUID())
    writer.store.commit(
      events.chatCreated({ id: c1, title: 'One', model: 'm1', createdAt: 1 }),
      events.chatCreated({ id: c2, title: 'Two', model: 'm1', createdAt: 2 }),
      events.userMessageSent({ id: u1, chatId: c1, parentId: null, text: 'Hi', createdAt: 3 }),
      events.userMessageSent({ id: u2, chatId: c1, parentId: u1, text: 'Again', createdAt: 4 }),
      events.chatRenamed({ id: c1, title: 'One, renamed' }),
      events.chatPinned({ id: c1 }),
      events.chatPinned({ id: c2 }),
      events.chatUnpinned({ id: c1 }),
      events.chatSettingsSet({ id: c1, systemPrompt: 'Be brief', temperature: 0.7 }),
      events.chatSettingsSet({ id: c1, systemPrompt: null, temperature: null }),
      events.chatSettingsSet({ id: c2, systemPrompt: null, temperature: 1.25 }),
      events.chatModelSet({ id: c2, model: 'm2' }),
      events.chatDeleted({ id: c2, deletedAt: 5 }),
      events.chatRestored({ id: c2 }),
      events.chatDeleted({ id: c1, deletedAt: 6 }),
      events.chatActiveLeafSet({ id: c2, activeLeafId: null })
    )
    await waitFor(async () => (await serverHead(user)) === 16, 'the writes pushed')
    await sync.appendServerEvents(user.id, [
      events.assistantMessageStarted({
        id: a1,
        chatId: c1,
        parentId: u2,
        model: 'e',
        createdAt: 7,
      }),
      events.assistantTextCheckpoint({ id: a1, text: 'Par' }),
      events.assistantMessageFinished({
        id: a1,
        text: 'Partly',
        status: 'error',
        finishReason: null,
        error: 'provider failed',
        usage: { inputTokens: 3, outputTokens: 4 },
        costMicros: 9,
        model: 'e',
        contextStartId: u1,
      }),
      events.assistantMessageStarted({
        id: a2,
        chatId: c1,
        parentId: u2,
        model: 'e',
        createdAt: 8,
      }),
      // The same UPDATE as above, this time without the optional fields.
      events.assistantMessageFinished({
        id: a2,
        text: 'Whole',
        status: 'complete',
        finishReason: 'stop',
        usage: null,
        model: 'e',
      }),
      events.assistantTextCheckpoint({ id: a2, text: 'late' }),
    ])
    await waitFor(
      () => writer.store.query(tables.messages.where({ id: a2 }))[0]?.status === 'complete',
      'the answers reach the writer'
    )
    writer.store.commit(events.chatActiveLeafSet({ id: c1, activeLeafId: u1 }))
    await waitFor(async () => (await serverHead(user)) === 23, 'the last write pushed')

    const reader = await open(user)
    await waitFor(
      () => reader.store.query(tables.chats.where({ id: c1 }))[0]?.activeLeafId === u1,
      'the new device has everything'
    )
    const rows = (device: Device) => ({
      chats: device.store.query(tables.chats.orderBy('id', 'asc')),
      messages: device.store.query(tables.messages.orderBy('id', 'asc')),
    })
    assert.deepEqual(rows(reader), rows(writer))
    assert.lengthOf(rows(reader).messages, 4)
    assert.deepEqual(
      rows(reader).chats.map((chat) => [chat.id, chat.systemPrompt, chat.temperature]),
      [
        [c1, null, null],
        [c2, null, 1.25],
      ].sort((x, y) => String(x[0]).localeCompare(String(y[0])))
    )

    // The new device's leader took the fast path: its changeset table keeps only the head's row,
    // with no changeset (LiveStore's own path records one for every event that changed a row).
    const leader = await reader.leaderState()
    try {
      assert.deepEqual(
        leader
          .rows('__livestore_session_changeset')
          .map((row: any) => [row.seqNumGlobal, row.changeset]),
        [[23, null]]
      )
    } finally {
      leader.close()
    }
  })

  test('a conditional server event is decided after the pushes queued before it', async ({
    assert,
  }) => {
    const user = await signedInUser()
    const device = await open(user)
    const sync = await app.container.make(SyncService)
    const chatId = randomUUID()
    device.store.commit(
      events.chatCreated({ id: chatId, title: 'First words', model: 'm', createdAt: 1 })
    )
    await waitFor(async () => (await serverHead(user)) === 1, 'chat pushed')
    const serverTitle = async () => {
      const chat = await db.from('chats').where('id', chatId).firstOrFail()
      return chat.title as string
    }

    // A user's rename and an automatic title, queued in that order in the same tick.
    const rename = sync.push(
      user.id,
      [
        {
          name: 'v1.ChatRenamed',
          args: { id: chatId, title: 'Mine' },
          seqNum: 2,
          parentSeqNum: 1,
          clientId: 'raw',
          sessionId: 'raw',
        },
      ],
      undefined
    )
    const automatic = sync.appendServerEvents(
      user.id,
      [events.chatRenamed({ id: chatId, title: 'Automatic' })],
      { onlyIf: async () => (await serverTitle()) === 'First words' }
    )
    const pushed = await rename
    assert.isTrue(pushed.ok)
    assert.deepEqual(await automatic, [])
    assert.equal(await serverTitle(), 'Mine')
    assert.equal(await serverHead(user), 2)
    await waitFor(
      () => device.store.query(tables.chats.where({ id: chatId }))[0]?.title === 'Mine',
      'the device has the rename'
    )
  })

  test('after a server restart clients reconnect to the same backendId and keep their data', async ({
    assert,
  }) => {
    const user = await signedInUser()
    const port = await freePort()
    const url = `ws://localhost:${port}/livestore-sync`
    // A second server process on the same database (bin/server.ts, like `npm start`).
    let server = await startAppProcess(port, {})
    try {
      const laptop = await open(user, { url })
      laptop.store.commit(
        events.chatCreated({ id: randomUUID(), title: 'Before', model: 'm', createdAt: 1 })
      )
      await waitFor(async () => (await serverHead(user)) === 1, 'pushed before the restart')

      // A crash, not a clean shutdown.
      await stopAppProcess(server, 'SIGKILL')
      laptop.store.commit(
        events.chatCreated({ id: randomUUID(), title: 'While down', model: 'm', createdAt: 2 })
      )
      server = await startAppProcess(port, {})

      await waitFor(async () => (await serverHead(user)) === 2, 'pushed after the restart', 60_000)
      const phone = await open(user, { url })
      await waitFor(
        () => phone.store.query(tables.chats).length === 2,
        'a new device gets both chats'
      )
      assert.lengthOf(laptop.store.query(tables.chats), 2)

      const backendIds = new Set([...chunkBackendIds(laptop), ...chunkBackendIds(phone)])
      assert.equal(backendIds.size, 1)
      const row = await db.from('sync_stores').where('store_id', user.storeId).firstOrFail()
      assert.deepEqual([...backendIds], [row.backend_id])
    } finally {
      await Promise.all(devices.splice(0).map((device) => device.close()))
      await stopAppProcess(server, 'SIGTERM')
    }
  }).timeout(120_000)
})
