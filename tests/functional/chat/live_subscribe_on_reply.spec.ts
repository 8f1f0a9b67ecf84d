import { randomUUID } from 'node:crypto'
import { test } from '@japa/runner'
import { WebSocket } from 'ws'
import env from '#start/env'
import User from '#models/user'
import { signIn } from '#tests/helpers/sign_in'
import { startEmulatorForApp } from '#tests/support/llm'
import {
  chatUser,
  createChat,
  finalMessage,
  liveText,
  liveUrl,
  reply,
  sendUserMessage,
  type ChatUser,
} from '#tests/functional/chat/chat_helpers'

/*
| Subscribe on reply: a /live socket opened with `hello=1` is named by its
| first frame, and a reply request naming it (`liveSocketId`) gets it
| attached to the new answer: the tokens arrive from the first one without
| a subscribe frame. Only a socket of the same user and session is ever
| attached; any other id leaves the reply as it was (202, the tab
| subscribes itself).
*/

const MODEL = 'meta-llama/llama-3.3-70b-instruct'
const PLATFORM_KEY = 'sk-or-platform-subscribe-on-reply-8c2d'

interface NamedSocket {
  socket: WebSocket
  socketId: string
  /* Every frame received, the hello first. */
  frames: any[]
  done: (messageId: string) => Promise<any>
  close: () => void
}

/* A /live socket as the browser opens it: batched, named by its hello frame. */
async function openNamedLive(user: ChatUser): Promise<NamedSocket> {
  const socket = new WebSocket(`${liveUrl()}?batch=1&hello=1`, {
    headers: { ...user.session.headers('/live'), origin: new URL(env.get('APP_URL')).origin },
  })
  const frames: any[] = []
  const waiters = new Map<string, (frame: any) => void>()
  const hello = new Promise<any>((resolve, reject) => {
    socket.once('error', reject)
    socket.on('message', (data) => {
      const message = JSON.parse(data.toString())
      for (const frame of Array.isArray(message) ? message : [message]) {
        frames.push(frame)
        if (frame.type === 'hello') resolve(frame)
        if (frame.type === 'done') waiters.get(frame.messageId)?.(frame)
      }
    })
  })
  const first = await hello
  return {
    socket,
    socketId: first.socketId,
    frames,
    done: (messageId) => {
      const seen = frames.find((frame) => frame.type === 'done' && frame.messageId === messageId)
      if (seen) return Promise.resolve(seen)
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no done frame for ${messageId}`)), 15_000)
        waiters.set(messageId, (frame) => {
          clearTimeout(timer)
          resolve(frame)
        })
      })
    },
    close: () => socket.terminate(),
  }
}

async function question(user: ChatUser, prompt: string) {
  const chatId = await createChat(user, { model: MODEL, title: 'Subscribe on reply' })
  const messageId = await sendUserMessage(user, chatId, null, prompt)
  return { chatId, messageId }
}

const framesOf = (frames: any[], messageId: string) =>
  frames.filter((frame) => frame.messageId === messageId)

test.group('Subscribe on reply', (group) => {
  group.setup(async () => {
    const started = await startEmulatorForApp({ platformKeys: { openrouter: PLATFORM_KEY } })
    return () => started.stop()
  })

  test('a reply naming the tab socket streams the answer to it without a subscribe frame', async ({
    assert,
    cleanup,
  }) => {
    const alice = await chatUser('sor')
    const live = await openNamedLive(alice)
    cleanup(() => live.close())
    assert.equal(live.frames[0].type, 'hello', 'the hello frame comes first')
    assert.match(live.socketId, /^[0-9a-f-]{36}$/)

    const { chatId, messageId } = await question(alice, 'Attach me [[tokens:12]] [[tps:200]]')
    const answerId = randomUUID()
    const response = await reply(alice, chatId, messageId, {
      assistantMessageId: answerId,
      liveSocketId: live.socketId,
    })
    assert.equal(response.status, 202, response.text)
    assert.isTrue(response.body.data.liveAttached)

    const done = await live.done(answerId)
    // Nothing was ever sent on this socket: no subscribe frame.
    assert.equal(done.status, 'complete')
    const frames = framesOf(live.frames, answerId)
    // Attached before the first token: every token from seq 1, no snapshot catching up.
    assert.deepInclude(frames[0], { type: 'token', seq: 1 })
    assert.isFalse(frames.some((frame) => frame.type === 'snapshot'))
    const row = await finalMessage(answerId)
    const seen = liveText(live.frames, answerId)
    assert.deepEqual(seen.gaps, [])
    assert.equal(seen.text, row.content)
    assert.equal(seen.seq, 12)
  })

  test("naming another user's socket attaches nothing: they see none of the answer", async ({
    assert,
    cleanup,
  }) => {
    const alice = await chatUser('sor-alice')
    const bob = await chatUser('sor-bob')
    const bobLive = await openNamedLive(bob)
    const aliceLive = await openNamedLive(alice)
    cleanup(() => {
      bobLive.close()
      aliceLive.close()
    })

    const { chatId, messageId } = await question(alice, 'Not for Bob [[tokens:8]] [[tps:200]]')
    const answerId = randomUUID()
    const response = await reply(alice, chatId, messageId, {
      assistantMessageId: answerId,
      liveSocketId: bobLive.socketId,
    })
    assert.equal(response.status, 202, response.text)
    assert.isFalse(response.body.data.liveAttached)

    // Alice's own tab still gets it the old way: a subscribe frame.
    aliceLive.socket.send(JSON.stringify({ type: 'subscribe', messageId: answerId, fromSeq: 0 }))
    await aliceLive.done(answerId)
    const row = await finalMessage(answerId)
    assert.equal(liveText(aliceLive.frames, answerId).text, row.content)

    // Bob's socket is still open and working, and never saw a frame of Alice's answer.
    const own = await question(bob, 'Bob asks [[tokens:3]]')
    const bobAnswer = randomUUID()
    const bobReply = await reply(bob, own.chatId, own.messageId, {
      assistantMessageId: bobAnswer,
      liveSocketId: bobLive.socketId,
    })
    assert.isTrue(bobReply.body.data.liveAttached)
    await bobLive.done(bobAnswer)
    assert.deepEqual(framesOf(bobLive.frames, answerId), [])
    assert.notInclude(JSON.stringify(bobLive.frames), row.content)
  })

  test("naming a socket of the same user's other session attaches nothing", async ({
    assert,
    cleanup,
  }) => {
    const alice = await chatUser('sor-sessions')
    const { email } = await User.findOrFail(alice.id)
    const otherSession = await signIn(email)
    const elsewhere = await openNamedLive({ id: alice.id, session: otherSession.session })
    cleanup(() => elsewhere.close())

    const { chatId, messageId } = await question(alice, 'Other session [[tokens:4]]')
    const answerId = randomUUID()
    const response = await reply(alice, chatId, messageId, {
      assistantMessageId: answerId,
      liveSocketId: elsewhere.socketId,
    })
    assert.equal(response.status, 202, response.text)
    assert.isFalse(response.body.data.liveAttached)
    await finalMessage(answerId)
    assert.deepEqual(framesOf(elsewhere.frames, answerId), [])
  })

  test('an unknown or closed socket id falls back; a malformed one is refused', async ({
    assert,
  }) => {
    const alice = await chatUser('sor-fallback')
    const closed = await openNamedLive(alice)
    const closedId = closed.socketId
    await new Promise<void>((resolve) => {
      closed.socket.once('close', () => resolve())
      closed.socket.close()
    })

    for (const liveSocketId of [randomUUID(), closedId]) {
      const { chatId, messageId } = await question(alice, 'Fallback [[tokens:2]]')
      const answerId = randomUUID()
      const response = await reply(alice, chatId, messageId, {
        assistantMessageId: answerId,
        liveSocketId,
      })
      assert.equal(response.status, 202, response.text)
      assert.isFalse(response.body.data.liveAttached)
      const row = await finalMessage(answerId)
      assert.equal(row.status, 'complete')
    }

    const { chatId, messageId } = await question(alice, 'Malformed')
    const bad = await reply(alice, chatId, messageId, {
      assistantMessageId: randomUUID(),
      liveSocketId: 'not-a-socket-id',
    })
    assert.equal(bad.status, 422, bad.text)
  })

  test('a socket opened without hello gets no hello frame (older tabs unchanged)', async ({
    assert,
    cleanup,
  }) => {
    const alice = await chatUser('sor-plain')
    const socket = new WebSocket(`${liveUrl()}?batch=1`, {
      headers: { ...alice.session.headers('/live'), origin: new URL(env.get('APP_URL')).origin },
    })
    cleanup(() => socket.terminate())
    const frames: any[] = []
    socket.on('message', (data) => frames.push(JSON.parse(data.toString())))
    await new Promise((resolve, reject) => {
      socket.once('open', resolve)
      socket.once('error', reject)
    })
    const unknown = randomUUID()
    socket.send(JSON.stringify({ type: 'subscribe', messageId: unknown }))
    await new Promise<void>((resolve) => socket.once('message', () => resolve()))
    assert.deepEqual(
      frames.map((frame) => frame.type),
      ['error']
    )
  })
})
