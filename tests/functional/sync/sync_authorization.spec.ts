import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import {
  RawSyncClient,
  appOrigin,
  nextRequestId,
  pullFrame,
  pushFrame,
  signedInUser,
  syncUrl,
} from '#tests/functional/sync/sync_helpers'
import { signOut } from '#tests/helpers/sign_in'

const storeUrl = (storeId: string) =>
  `${syncUrl()}?storeId=${encodeURIComponent(storeId)}&transport=ws`

async function deniedRows(userId: string) {
  return db
    .from('activity_logs')
    .where('user_id', userId)
    .where('event_name', 'sync.store_denied')
    .select('details')
}

function chatCreated(seqNum: number) {
  return {
    name: 'v1.ChatCreated',
    args: { id: crypto.randomUUID(), title: 'Not yours', model: 'm', createdAt: 1 },
    seqNum,
    parentSeqNum: seqNum - 1,
  }
}

test.group('Sync authorization', () => {
  test('an upgrade without a session is refused with 401', async ({ assert }) => {
    const user = await signedInUser()
    assert.equal(
      await RawSyncClient.upgradeStatus(storeUrl(user.storeId), { origin: appOrigin() }),
      401
    )
    assert.equal(
      await RawSyncClient.upgradeStatus(storeUrl(user.storeId), {
        origin: appOrigin(),
        cookie: 'chat-session=forged; forged=e:nonsense',
      }),
      401
    )
  })

  test('an upgrade from another origin, or without one, is refused with 403', async ({
    assert,
  }) => {
    const user = await signedInUser()
    for (const origin of ['https://evil.example', 'http://localhost:1', 'null']) {
      assert.equal(
        await RawSyncClient.upgradeStatus(storeUrl(user.storeId), { ...user.headers, origin }),
        403,
        origin
      )
    }
    assert.equal(await RawSyncClient.upgradeStatus(storeUrl(user.storeId), user.headers), 403)
    // The same session from the app's own origin is let in.
    assert.isNull(
      await RawSyncClient.upgradeStatus(storeUrl(user.storeId), {
        ...user.headers,
        origin: appOrigin(),
      })
    )
  })

  test("user B opening user A's store is refused and logged", async ({ assert }) => {
    const alice = await signedInUser('alice')
    const bob = await signedInUser('bob')
    assert.equal(
      await RawSyncClient.upgradeStatus(storeUrl(alice.storeId), {
        ...bob.headers,
        origin: appOrigin(),
      }),
      403
    )
    const rows = await deniedRows(bob.id)
    assert.lengthOf(rows, 1)
    assert.include(JSON.stringify(rows[0].details), alice.storeId)
  })

  test("user B pulling or pushing user A's store on B's own socket is refused, logged and closed", async ({
    assert,
  }) => {
    const alice = await signedInUser('alice')
    const bob = await signedInUser('bob')

    const puller = await RawSyncClient.connect(bob)
    const pullId = nextRequestId()
    puller.send(pullFrame(pullId, alice.storeId))
    const pullExit = await puller.next(
      (frame) => frame._tag === 'Exit' && frame.requestId === pullId
    )
    assert.equal(pullExit.exit._tag, 'Failure')
    assert.equal(pullExit.exit.cause.error._tag, 'UnknownError')
    assert.equal(await puller.closed(), 4403)
    assert.isUndefined(puller.frames.find((frame) => frame._tag === 'Chunk'))

    const pusher = await RawSyncClient.connect(bob)
    const pushId = nextRequestId()
    pusher.send(pushFrame(pushId, alice.storeId, [chatCreated(1)]))
    const pushExit = await pusher.next(
      (frame) => frame._tag === 'Exit' && frame.requestId === pushId
    )
    assert.equal(pushExit.exit._tag, 'Failure')
    assert.equal(await pusher.closed(), 4403)

    assert.lengthOf(await deniedRows(bob.id), 2)
    const aliceStore = await db.from('sync_stores').where('store_id', alice.storeId).first()
    assert.isNull(aliceStore)
    assert.lengthOf(await db.from('chats').where('title', 'Not yours'), 0)
  })

  test("signing out closes that session's sync sockets and its cookie no longer opens one", async ({
    assert,
  }) => {
    const user = await signedInUser('leaving')
    const other = await signedInUser('staying')
    const socket = await RawSyncClient.connect(user)
    const unrelated = await RawSyncClient.connect(other)

    await signOut(user.session)
    assert.equal(await socket.closed(), 4401)
    assert.equal(
      await RawSyncClient.upgradeStatus(storeUrl(user.storeId), {
        ...user.session.headers('/livestore-sync'),
        origin: appOrigin(),
      }),
      401
    )
    // Another session's socket stays open.
    unrelated.send({ _tag: 'Ping' })
    await unrelated.next((frame) => frame._tag === 'Pong')
    unrelated.close()
  })

  test("a colliding chat id never touches another user's chat", async ({ assert }) => {
    const alice = await signedInUser('alice')
    const bob = await signedInUser('bob')
    const chatId = crypto.randomUUID()

    const aliceClient = await RawSyncClient.connect(alice)
    const create = nextRequestId()
    aliceClient.send(
      pushFrame(create, alice.storeId, [
        {
          name: 'v1.ChatCreated',
          args: { id: chatId, title: 'Alice', model: 'm', createdAt: 1 },
          seqNum: 1,
          parentSeqNum: 0,
        },
      ])
    )
    await aliceClient.next((frame) => frame._tag === 'Exit' && frame.requestId === create)

    // Bob's client reuses Alice's chat id (it cannot read it, but ids could be guessed or leaked).
    const bobClient = await RawSyncClient.connect(bob)
    const attack = nextRequestId()
    bobClient.send(
      pushFrame(attack, bob.storeId, [
        {
          name: 'v1.ChatCreated',
          args: { id: chatId, title: 'Bob', model: 'm', createdAt: 2 },
          seqNum: 1,
          parentSeqNum: 0,
        },
        {
          name: 'v1.ChatRenamed',
          args: { id: chatId, title: 'Renamed by Bob' },
          seqNum: 2,
          parentSeqNum: 1,
        },
        {
          name: 'v1.UserMessageSent',
          args: { id: crypto.randomUUID(), chatId, parentId: null, text: 'injected', createdAt: 3 },
          seqNum: 3,
          parentSeqNum: 2,
        },
      ])
    )
    const exit = await bobClient.next(
      (frame) => frame._tag === 'Exit' && frame.requestId === attack
    )
    // Accepted into Bob's own log (his devices replay it), but the server tables keep Alice's chat intact.
    assert.equal(exit.exit._tag, 'Success')
    const chat = await db.from('chats').where('id', chatId).firstOrFail()
    assert.equal(chat.user_id, alice.id)
    assert.equal(chat.title, 'Alice')
    assert.lengthOf(await db.from('messages').where('chat_id', chatId), 0)
    aliceClient.close()
    bobClient.close()
  })
})
