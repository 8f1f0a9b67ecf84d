import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import { LIMITS } from '#shared/livestore/schema'
import {
  RawSyncClient,
  nextRequestId,
  pullFrame,
  pushFrame,
  signedInUser,
  type SyncUser,
} from '#tests/functional/sync/sync_helpers'

type Event = { name: string; args: unknown; seqNum: number; parentSeqNum: number }

const chatCreated = (seqNum: number, overrides: Record<string, unknown> = {}): Event => ({
  name: 'v1.ChatCreated',
  args: { id: crypto.randomUUID(), title: 't', model: 'm', createdAt: 1, ...overrides },
  seqNum,
  parentSeqNum: seqNum - 1,
})

async function pushAndWait(client: RawSyncClient, user: SyncUser, batch: Event[]) {
  const id = nextRequestId()
  client.send(pushFrame(id, user.storeId, batch))
  return client.next((frame) => frame._tag === 'Exit' && frame.requestId === id)
}

async function head(user: SyncUser) {
  const row = await db.from('sync_stores').where('store_id', user.storeId).first()
  return row ? Number(row.head) : 0
}

/* The endpoint still serves: a fresh socket gets its pong. */
async function assertStillServing(user: SyncUser) {
  const client = await RawSyncClient.connect(user)
  client.send({ _tag: 'Ping' })
  await client.next((frame) => frame._tag === 'Pong')
  client.close()
}

test.group('Sync limits and bad input', (group) => {
  let user: SyncUser
  const clients: RawSyncClient[] = []
  group.setup(async () => {
    user = await signedInUser('limits')
  })
  group.each.teardown(() => {
    for (const client of clients.splice(0)) client.close()
  })
  const connect = async () => {
    const client = await RawSyncClient.connect(user)
    clients.push(client)
    return client
  }

  test('malformed JSON closes the socket with 4400', async ({ assert }) => {
    const client = await connect()
    client.send('{"_tag":"Request",')
    assert.equal(await client.closed(), 4400)
    await assertStillServing(user)
  })

  test('frames of an unknown shape close the socket with 4400', async ({ assert }) => {
    for (const frame of [
      '[]',
      '42',
      '"Ping"',
      'null',
      JSON.stringify({ _tag: 'Hello' }),
      JSON.stringify({ _tag: 'Request', tag: 'SyncWsRpc.Pull', payload: {} }),
      JSON.stringify({ _tag: 'Request', id: 'abc', tag: 'SyncWsRpc.Pull', payload: {} }),
      JSON.stringify({ _tag: 'Interrupt' }),
    ]) {
      const client = await connect()
      client.send(frame)
      assert.equal(await client.closed(), 4400, frame)
    }
    const binary = await connect()
    binary.ws.send(Buffer.from([1, 2, 3]))
    assert.equal(await binary.closed(), 4400)
    await assertStillServing(user)
  })

  test('a frame above 1 MiB closes the socket (1009)', async ({ assert }) => {
    const client = await connect()
    client.send(pushFrame('1', user.storeId, [chatCreated(1, { title: 'x'.repeat(1_100_000) })]))
    assert.equal(await client.closed(), 1009)
    assert.equal(await head(user), 0)
    await assertStillServing(user)
  })

  test('request payloads that do not decode get a Failure exit', async ({ assert }) => {
    const client = await connect()
    for (const payload of [
      {},
      { storeId: user.storeId },
      { storeId: user.storeId, batch: 'no', backendId: { _tag: 'None' } },
      { storeId: user.storeId, batch: [{ name: 'v1.ChatCreated' }], backendId: { _tag: 'None' } },
    ]) {
      const id = nextRequestId()
      client.send({ _tag: 'Request', id, tag: 'SyncWsRpc.Push', payload, headers: [] })
      const exit = await client.next((frame) => frame._tag === 'Exit' && frame.requestId === id)
      assert.equal(exit.exit._tag, 'Failure')
      assert.equal(exit.exit.cause.error._tag, 'UnknownError')
    }
    const pullId = nextRequestId()
    client.send({
      _tag: 'Request',
      id: pullId,
      tag: 'SyncWsRpc.Pull',
      payload: { storeId: user.storeId, live: 'yes' },
    })
    const pullExit = await client.next(
      (frame) => frame._tag === 'Exit' && frame.requestId === pullId
    )
    assert.equal(pullExit.exit._tag, 'Failure')
  })

  test('a batch of more than 100 events is refused', async ({ assert }) => {
    const client = await connect()
    const batch = Array.from({ length: 101 }, (_, index) => chatCreated(index + 1))
    const exit = await pushAndWait(client, user, batch)
    assert.equal(exit.exit.cause.error._tag, 'UnknownError')
    assert.include(exit.exit.cause.error.cause, '100')
    assert.equal(await head(user), 0)
  })

  test('a client may not send server-only events', async ({ assert }) => {
    const client = await connect()
    const base = await head(user)
    for (const event of [
      {
        name: 'v1.AssistantMessageStarted',
        args: {
          id: crypto.randomUUID(),
          chatId: crypto.randomUUID(),
          parentId: null,
          model: 'm',
          createdAt: 1,
        },
      },
      { name: 'v1.AssistantTextCheckpoint', args: { id: crypto.randomUUID(), text: 'hi' } },
      {
        name: 'v1.AssistantMessageFinished',
        args: {
          id: crypto.randomUUID(),
          text: 'hi',
          status: 'complete',
          finishReason: 'stop',
          usage: null,
          model: 'm',
        },
      },
      { name: 'uiStateSet', args: { id: 'x', value: {} } },
      { name: 'v9.Unknown', args: {} },
    ]) {
      const exit = await pushAndWait(client, user, [
        { ...event, seqNum: base + 1, parentSeqNum: base },
      ])
      assert.equal(exit.exit._tag, 'Failure', event.name)
      assert.include(exit.exit.cause.error.cause, event.name)
    }
    assert.equal(await head(user), base)
  })

  test('event args are checked against the shared schema, message text and args size included', async ({
    assert,
  }) => {
    const client = await connect()
    const base = await head(user)
    const chatId = crypto.randomUUID()
    const message = (text: string) => ({
      name: 'v1.UserMessageSent',
      args: { id: crypto.randomUUID(), chatId, parentId: null, text, createdAt: 5 },
      seqNum: base + 1,
      parentSeqNum: base,
    })
    const refused: Event[] = [
      chatCreated(base + 1, { id: 42 }),
      chatCreated(base + 1, { createdAt: -1 }),
      chatCreated(base + 1, { title: 'x'.repeat(LIMITS.titleLength + 1) }),
      { name: 'v1.ChatRenamed', args: { title: 'no id' }, seqNum: base + 1, parentSeqNum: base },
      {
        name: 'v1.ChatSettingsSet',
        args: { id: chatId, systemPrompt: null, temperature: 3 },
        seqNum: base + 1,
        parentSeqNum: base,
      },
      message('x'.repeat(LIMITS.userMessageText + 1)),
      // Junk beside valid fields: refused on size before any decoding.
      chatCreated(base + 1, { junk: 'x'.repeat(300_000) }),
    ]
    for (const event of refused) {
      const exit = await pushAndWait(client, user, [event])
      assert.equal(exit.exit._tag, 'Failure', JSON.stringify(event).slice(0, 120))
    }
    assert.equal(await head(user), base)

    const accepted = await pushAndWait(client, user, [message('x'.repeat(LIMITS.userMessageText))])
    assert.equal(accepted.exit._tag, 'Success')
  })

  test('chat settings: prompt length, temperature range and explicit nulls are enforced', async ({
    assert,
  }) => {
    const client = await connect()
    const base = await head(user)
    const chatId = crypto.randomUUID()
    const settings = (args: Record<string, unknown>): Event => ({
      name: 'v1.ChatSettingsSet',
      args: { id: chatId, ...args },
      seqNum: base + 1,
      parentSeqNum: base,
    })
    const refused = [
      { systemPrompt: 'x'.repeat(LIMITS.systemPromptLength + 1), temperature: null },
      { systemPrompt: null, temperature: LIMITS.temperatureMax + 0.01 },
      { systemPrompt: null, temperature: LIMITS.temperatureMin - 0.1 },
      { systemPrompt: null, temperature: '0.5' },
      { systemPrompt: 42, temperature: null },
      // "Default" is an explicit null; a missing field is not the same thing.
      { systemPrompt: null },
      { temperature: null },
    ]
    for (const args of refused) {
      const exit = await pushAndWait(client, user, [settings(args)])
      assert.equal(exit.exit._tag, 'Failure', JSON.stringify(args).slice(0, 120))
      assert.include(exit.exit.cause.error.cause, 'v1.ChatSettingsSet')
    }
    assert.equal(await head(user), base)

    /* The limits themselves are accepted, and null resets both. */
    const accepted = [
      settings({
        systemPrompt: 'x'.repeat(LIMITS.systemPromptLength),
        temperature: LIMITS.temperatureMax,
      }),
      {
        ...settings({ systemPrompt: null, temperature: LIMITS.temperatureMin }),
        seqNum: base + 2,
        parentSeqNum: base + 1,
      },
      {
        ...settings({ systemPrompt: null, temperature: null }),
        seqNum: base + 3,
        parentSeqNum: base + 2,
      },
    ]
    const exit = await pushAndWait(client, user, accepted)
    assert.equal(exit.exit._tag, 'Success')
    assert.equal(await head(user), base + 3)
  })

  test('unknown properties in args are dropped before the event is stored and forwarded', async ({
    assert,
  }) => {
    const client = await connect()
    const base = await head(user)
    const exit = await pushAndWait(client, user, [
      chatCreated(base + 1, { secret: 'should not spread' }),
    ])
    assert.equal(exit.exit._tag, 'Success')
    const row = await db
      .from('sync_events')
      .where('store_id', user.storeId)
      .where('seq_num', base + 1)
      .firstOrFail()
    assert.notInclude(row.args, 'secret')
  })

  test('a batch that is not contiguous is refused', async ({ assert }) => {
    const client = await connect()
    const base = await head(user)
    for (const batch of [
      [chatCreated(base + 1), chatCreated(base + 3)],
      [{ ...chatCreated(base + 2), parentSeqNum: base }],
      [chatCreated(base + 1), { ...chatCreated(base + 2), parentSeqNum: base }],
    ]) {
      const exit = await pushAndWait(client, user, batch)
      assert.equal(exit.exit._tag, 'Failure')
    }
    assert.equal(await head(user), base)
  })

  test('a socket may hold only a few pulls at once', async ({ assert }) => {
    const client = await connect()
    const exits: string[] = []
    for (let index = 0; index < 9; index++) {
      const id = nextRequestId()
      client.send(pullFrame(id, user.storeId))
      exits.push(id)
    }
    const refused = await client.next(
      (frame) => frame._tag === 'Exit' && frame.requestId === exits[8]
    )
    assert.equal(refused.exit._tag, 'Failure')
  })
})
