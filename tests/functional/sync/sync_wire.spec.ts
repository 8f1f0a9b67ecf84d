import { test } from '@japa/runner'
import { Schema } from '@livestore/livestore'
import { SyncMessage } from '@livestore/sync-cf/common'
import db from '@adonisjs/lucid/services/db'
import {
  RawSyncClient,
  nextRequestId,
  pullFrame,
  pushFrame,
  signedInUser,
  type SyncUser,
} from '#tests/functional/sync/sync_helpers'
import { SYNC_LIMITS } from '#sync/sync_limits'

const decodePullResponse = Schema.decodeUnknownSync(SyncMessage.PullResponse)

/* `count` valid ChatCreated events numbered after `parent`. */
function chatEvents(parent: number, count: number) {
  return Array.from({ length: count }, (_, index) => ({
    name: 'v1.ChatCreated',
    args: {
      id: crypto.randomUUID(),
      title: `Chat ${parent + index + 1}`,
      model: 'm',
      createdAt: 1_000 + index,
    },
    seqNum: parent + index + 1,
    parentSeqNum: parent + index,
  }))
}

async function push(client: RawSyncClient, user: SyncUser, batch: ReturnType<typeof chatEvents>) {
  const id = nextRequestId()
  client.send(pushFrame(id, user.storeId, batch))
  return client.next((frame) => frame._tag === 'Exit' && frame.requestId === id)
}

/* Collects a pull's chunks until one says NoMore. */
async function catchUp(client: RawSyncClient, requestId: string) {
  const pages = []
  for (;;) {
    const frame = await client.next((f) => f._tag === 'Chunk' && f.requestId === requestId)
    const page = decodePullResponse(frame.values[0])
    pages.push(page)
    if (page.pageInfo._tag === 'NoMore') return pages
  }
}

test.group('Sync wire protocol (raw frames)', (group) => {
  const clients: RawSyncClient[] = []
  group.each.teardown(() => {
    for (const client of clients.splice(0)) client.close()
  })
  const connect = async (user: SyncUser) => {
    const client = await RawSyncClient.connect(user)
    clients.push(client)
    return client
  }

  test('ping is answered with pong', async ({ assert }) => {
    const user = await signedInUser()
    const client = await connect(user)
    client.send({ _tag: 'Ping' })
    assert.deepEqual(await client.next((frame) => frame._tag === 'Pong'), { _tag: 'Pong' })
  })

  test('an empty store answers a pull with one empty NoMore chunk and a stable backendId', async ({
    assert,
  }) => {
    const user = await signedInUser()
    const client = await connect(user)
    const first = nextRequestId()
    client.send(pullFrame(first, user.storeId))
    const [page] = await catchUp(client, first)
    assert.deepEqual(page.batch, [])
    assert.equal(page.pageInfo._tag, 'NoMore')

    const row = await db.from('sync_stores').where('store_id', user.storeId).firstOrFail()
    assert.equal(page.backendId, row.backend_id)

    const second = nextRequestId()
    client.send(pullFrame(second, user.storeId))
    const [again] = await catchUp(client, second)
    assert.equal(again.backendId, page.backendId)
  })

  test('catch-up comes in pages of at most pageEvents events ending NoMore, then live', async ({
    assert,
  }) => {
    const user = await signedInUser()
    const writer = await connect(user)
    // Two full pages and half of one, pushed in batches of at most 100 events.
    const page = SYNC_LIMITS.pageEvents
    const total = 2 * page + page / 2
    for (let parent = 0; parent < total; parent += SYNC_LIMITS.maxBatchEvents) {
      const count = Math.min(SYNC_LIMITS.maxBatchEvents, total - parent)
      const exit = await push(writer, user, chatEvents(parent, count))
      assert.deepEqual(exit.exit, { _tag: 'Success', value: {} })
    }

    const reader = await connect(user)
    const pullId = nextRequestId()
    reader.send(pullFrame(pullId, user.storeId))
    const pages = await catchUp(reader, pullId)
    assert.deepEqual(
      pages.map((item) => [item.batch.length, item.pageInfo]),
      [
        [page, { _tag: 'MoreKnown', remaining: total - page }],
        [page, { _tag: 'MoreKnown', remaining: total - 2 * page }],
        [page / 2, { _tag: 'NoMore' }],
      ]
    )
    const seqNums = pages.flatMap((item) => item.batch.map((event) => event.eventEncoded.seqNum))
    assert.deepEqual(
      seqNums,
      Array.from({ length: total }, (_, index) => index + 1)
    )
    const first = pages[0].batch[0]
    assert.equal(first.eventEncoded.name, 'v1.ChatCreated')
    assert.equal(first.metadata._tag, 'Some')

    // Live: the next push reaches this pull and the pusher's own live pull.
    const writerPull = nextRequestId()
    writer.send(pullFrame(writerPull, user.storeId, { backendId: pages[0].backendId, seq: total }))
    await catchUp(writer, writerPull)
    const exit = await push(writer, user, chatEvents(total, 1))
    assert.equal(exit.exit._tag, 'Success')
    const [live] = await catchUp(reader, pullId)
    assert.deepEqual(
      live.batch.map((item) => item.eventEncoded.seqNum),
      [total + 1]
    )
    const [echo] = await catchUp(writer, writerPull)
    assert.deepEqual(
      echo.batch.map((item) => item.eventEncoded.seqNum),
      [total + 1]
    )
  })

  test('a pull from a cursor gets only the events after it', async ({ assert }) => {
    const user = await signedInUser()
    const client = await connect(user)
    await push(client, user, chatEvents(0, 5))
    const { backend_id: backendId } = await db
      .from('sync_stores')
      .where('store_id', user.storeId)
      .firstOrFail()

    const pullId = nextRequestId()
    client.send(pullFrame(pullId, user.storeId, { backendId, seq: 2 }, false))
    const [page] = await catchUp(client, pullId)
    assert.deepEqual(
      page.batch.map((item) => item.eventEncoded.seqNum),
      [3, 4, 5]
    )
    // A non-live pull ends with a successful exit.
    const exit = await client.next((frame) => frame._tag === 'Exit' && frame.requestId === pullId)
    assert.equal(exit.exit._tag, 'Success')

    const atHead = nextRequestId()
    client.send(pullFrame(atHead, user.storeId, { backendId, seq: 5 }))
    const [empty] = await catchUp(client, atHead)
    assert.deepEqual(empty.batch, [])
  })

  test('a stale push is answered with ServerAheadError and changes nothing', async ({ assert }) => {
    const user = await signedInUser()
    const client = await connect(user)
    await push(client, user, chatEvents(0, 3))

    const stale = await push(client, user, chatEvents(1, 2))
    assert.deepEqual(stale.exit, {
      _tag: 'Failure',
      cause: {
        _tag: 'Fail',
        error: { _tag: 'ServerAheadError', minimumExpectedNum: 4, providedNum: 2 },
      },
    })
    const ahead = await push(client, user, chatEvents(5, 1))
    assert.equal(ahead.exit.cause.error._tag, 'ServerAheadError')

    const row = await db.from('sync_stores').where('store_id', user.storeId).firstOrFail()
    assert.equal(Number(row.head), 3)
    const [{ count }] = await db
      .from('sync_events')
      .where('store_id', user.storeId)
      .count('* as count')
    assert.equal(Number(count), 3)
  })

  test('another backendId is answered with BackendIdMismatchError', async ({ assert }) => {
    const user = await signedInUser()
    const client = await connect(user)
    await push(client, user, chatEvents(0, 1))

    const pullId = nextRequestId()
    client.send(pullFrame(pullId, user.storeId, { backendId: 'not-this-backend', seq: 1 }))
    const exit = await client.next((frame) => frame._tag === 'Exit' && frame.requestId === pullId)
    assert.equal(exit.exit.cause.error._tag, 'BackendIdMismatchError')
    assert.equal(exit.exit.cause.error.received, 'not-this-backend')

    const pushId = nextRequestId()
    client.send(pushFrame(pushId, user.storeId, chatEvents(1, 1), 'not-this-backend'))
    const pushExit = await client.next(
      (frame) => frame._tag === 'Exit' && frame.requestId === pushId
    )
    assert.equal(pushExit.exit.cause.error._tag, 'BackendIdMismatchError')
  })

  test('an interrupted pull gets no more events', async ({ assert }) => {
    const user = await signedInUser()
    const reader = await connect(user)
    const writer = await connect(user)
    const pullId = nextRequestId()
    reader.send(pullFrame(pullId, user.storeId))
    await catchUp(reader, pullId)

    reader.send({ _tag: 'Interrupt', requestId: pullId })
    const exit = await reader.next((frame) => frame._tag === 'Exit' && frame.requestId === pullId)
    assert.equal(exit.exit.cause._tag, 'Interrupt')

    await push(writer, user, chatEvents(0, 1))
    // A ping after the push: its pong arrives after anything the push would have sent.
    reader.send({ _tag: 'Ping' })
    await reader.next((frame) => frame._tag === 'Pong')
    assert.isUndefined(reader.frames.find((frame) => frame._tag === 'Chunk'))
  })

  test('acks and Eof are accepted silently; an unknown RPC gets a defect exit', async ({
    assert,
  }) => {
    const user = await signedInUser()
    const client = await connect(user)
    client.send({ _tag: 'Ack', requestId: '99' })
    client.send({ _tag: 'Eof' })
    const id = nextRequestId()
    client.send({ _tag: 'Request', id, tag: 'SyncWsRpc.Reset', payload: {}, headers: [] })
    const exit = await client.next((frame) => frame._tag === 'Exit' && frame.requestId === id)
    assert.equal(exit.exit.cause._tag, 'Die')
    client.send({ _tag: 'Ping' })
    await client.next((frame) => frame._tag === 'Pong')
  })
})
