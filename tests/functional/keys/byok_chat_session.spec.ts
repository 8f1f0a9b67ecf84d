import { randomBytes, randomUUID } from 'node:crypto'
import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import { WebSocket, type RawData } from 'ws'
import User from '#models/user'
import GenerationSettings from '#chat/services/generation_settings'
import { storeIdForUser } from '#shared/livestore/schema'
import { signIn } from '#tests/helpers/sign_in'
import type { BrowserSession } from '#tests/helpers/browser_session'
import {
  captureLogs,
  decryptedCookies,
  jsonRequest,
  startEmulatorForApp,
  type JsonResponse,
} from '#tests/support/llm'
import { appOrigin, appUrl, syncUrl } from '#tests/functional/sync/sync_helpers'
import { finalMessage, useGenerationSettings, waitUntil } from '#tests/functional/chat/chat_helpers'
import type { LlmEmulator } from '#llm/emulator/llm_emulator'

/*
| Bring-your-own-key, a whole chat session on the user's own key, and the
| key nowhere in what leaves the server: every byte the client receives
| (HTTP bodies, headers and the session cookie's contents; every WebSocket
| message on /live and /livestore-sync, upgrade answers included), every
| log line (the app's loggers at trace level, and stdout/stderr), and every
| row the session left in audit_logs, sync_events, chats and messages.
|
| The session: save a key (checked with the provider), list keys and models,
| open the pages; open /live and /livestore-sync as a tab does; push the chat
| and each question over the sync socket; reply over POST (attached to the
| socket by its hello id) and with a `reply` frame; the provider answering
| 401 (the emulator echoes the presented key in that body, as OpenRouter
| does) and 500; stop; regenerate; replace the key with one in an unusual
| alphabet (so its JSON-, URL-, HTML-escaped and base64 forms differ from
| it) and chat on it, 401 included; delete it; a reply then refused; a full
| catch-up pull. The emulator must have received both keys: the test
| cannot pass by never using them.
*/

// A paid OpenRouter model: for a free user without a key of their own it is locked.
const MODEL = 'anthropic/claude-sonnet-4.5'

const hex = (bytes: number) => randomBytes(bytes).toString('hex')

/* Every form in which a secret could be carried in text. */
function leakForms(secret: string): string[] {
  const forms = new Set<string>([secret])
  const json = JSON.stringify(secret).slice(1, -1)
  forms.add(json)
  forms.add(JSON.stringify(json).slice(1, -1))
  forms.add(encodeURIComponent(secret))
  forms.add(encodeURI(secret))
  forms.add(
    secret
      .replaceAll('&', '&amp;')
      .replaceAll('<', '&lt;')
      .replaceAll('>', '&gt;')
      .replaceAll('"', '&quot;')
      .replaceAll("'", '&#39;')
  )
  forms.add(Buffer.from(secret).toString('hex'))
  // Base64 of a longer text holding the secret, at each of the 3 alignments: the characters
  // that depend on the secret's bytes alone (the ones at either edge mix with its neighbours).
  for (let pad = 0; pad < 3; pad++) {
    const encoded = Buffer.from(`${'x'.repeat(pad)}${secret}`).toString('base64')
    const inner = encoded.slice(pad === 0 ? 0 : 4, -4)
    forms.add(inner)
    forms.add(inner.replaceAll('+', '-').replaceAll('/', '_'))
  }
  return [...forms]
}

/* Every 12-character window of the secret's random parts: a truncated or split key is caught too. */
function windows(parts: string[]): string[] {
  return parts.flatMap((part) =>
    Array.from({ length: part.length - 11 }, (_, start) => part.slice(start, start + 12))
  )
}

/*
| A WebSocket as a tab opens it, recording everything it receives: the
| upgrade answer (status and headers) and every message, as text.
*/
class CapturedSocket {
  frames: any[] = []
  #waiters = new Set<{ predicate: (frame: any) => boolean; resolve: (frame: any) => void }>()

  private constructor(
    readonly ws: WebSocket,
    readonly received: string[]
  ) {
    ws.on('message', (data: RawData, isBinary) => {
      const text = Buffer.isBuffer(data)
        ? data.toString(isBinary ? 'latin1' : 'utf8')
        : Buffer.concat(Array.isArray(data) ? data : [Buffer.from(data)]).toString('utf8')
      received.push(text)
      const message = JSON.parse(text)
      for (const frame of Array.isArray(message) ? message : [message]) {
        this.frames.push(frame)
        for (const waiter of this.#waiters) {
          if (waiter.predicate(frame)) {
            this.#waiters.delete(waiter)
            waiter.resolve(frame)
          }
        }
      }
    })
    ws.on('close', (code, reason) => received.push(`close ${code} ${reason.toString('utf8')}`))
  }

  static async open(url: string, session: BrowserSession, path: string, received: string[]) {
    const ws = new WebSocket(url, {
      headers: { ...session.headers(path), origin: appOrigin() },
    })
    ws.on('upgrade', (response) => {
      received.push(`${response.statusCode} ${JSON.stringify(response.headers)}`)
    })
    const socket = new CapturedSocket(ws, received)
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve())
      ws.once('error', reject)
      ws.once('unexpected-response', (_request, response) =>
        reject(new Error(`${path} upgrade answered ${response.statusCode}`))
      )
    })
    return socket
  }

  send(frame: unknown) {
    this.ws.send(JSON.stringify(frame))
  }

  /* The first frame (received already, or to come) matching `predicate`. */
  next(predicate: (frame: any) => boolean, timeoutMs = 15_000): Promise<any> {
    const found = this.frames.find(predicate)
    if (found) return Promise.resolve(found)
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters.delete(waiter)
        reject(new Error(`no matching frame; last: ${JSON.stringify(this.frames.slice(-5))}`))
      }, timeoutMs)
      const waiter = {
        predicate,
        resolve: (frame: any) => {
          clearTimeout(timer)
          resolve(frame)
        },
      }
      this.#waiters.add(waiter)
    })
  }

  close() {
    this.ws.terminate()
  }
}

/* Tees process stdout/stderr (still written through) until stop(). */
function captureOutput() {
  const lines: string[] = []
  const streams = [process.stdout, process.stderr]
  const originals = streams.map((stream) => stream.write)
  streams.forEach((stream, index) => {
    stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      lines.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'))
      return (originals[index] as (...args: unknown[]) => boolean).call(stream, chunk, ...rest)
    }) as typeof stream.write
  })
  return {
    lines,
    stop: () => streams.forEach((stream, index) => (stream.write = originals[index])),
  }
}

test.group('BYOK: a full chat session on the user key never shows it', (group) => {
  let emulator: LlmEmulator

  group.setup(async () => {
    // No platform key: only the user's own key can serve the model.
    const started = await startEmulatorForApp()
    emulator = started.emulator
    // Checkpoints every 100 ms, so the streamed answers write text events to the sync log.
    const restoreSettings = useGenerationSettings(
      new GenerationSettings(30_000, 60_000, 100, 5_000)
    )
    return async () => {
      restoreSettings()
      await started.stop()
    }
  })

  test('save, chat over POST and /live, provider 401/500, stop, regenerate, sync, replace, delete', async ({
    assert,
    cleanup,
  }) => {
    const firstRandom = hex(20)
    const firstKey = `sk-or-v1-${firstRandom}`
    // Printable ASCII is a valid key (the validator's alphabet): not the sk- shape the log
    // scrubber also knows, and with characters every encoding changes.
    const secondRandom = [hex(8), hex(8), hex(8)]
    const secondKey = `or+${secondRandom[0]}/"\\=&<>'${secondRandom[1]}%20?#${secondRandom[2]}`
    const needles = [
      ...leakForms(firstKey),
      ...leakForms(secondKey),
      ...windows([firstRandom, ...secondRandom]),
    ]

    const signedIn = await signIn(`byok-session-${randomUUID()}@example.test`, { name: 'Kay' })
    const session = signedIn.session
    const user = await User.findByOrFail('email', signedIn.email)
    const userId = user.id
    const storeId = storeIdForUser(userId)

    const http: string[] = []
    const liveReceived: string[] = []
    const syncReceived: string[] = []
    let responses = 0
    const record = (response: JsonResponse) => {
      responses++
      http.push(
        `${response.status}`,
        response.text,
        JSON.stringify([...response.headers.entries()]),
        ...decryptedCookies(response.headers)
      )
      return response
    }
    const request = (method: string, path: string, body?: unknown) =>
      jsonRequest(session, method, path, body).then(record)
    const page = async (path: string) => {
      const response = await session.get(path)
      const text = await response.text()
      record({ status: response.status, headers: response.headers, text, body: null })
      return { status: response.status, text }
    }

    const logs = captureLogs()
    const output = captureOutput()
    let stopped = false
    const stopCapture = () => {
      if (stopped) return
      stopped = true
      logs.stop()
      output.stop()
    }
    cleanup(stopCapture)
    const sockets: CapturedSocket[] = []
    cleanup(() => sockets.forEach((socket) => socket.close()))

    /* ---------------------------------------------------------- the key */
    const saved = await request('PUT', '/api/keys/openrouter', { apiKey: firstKey })
    assert.equal(saved.status, 201, saved.text)
    const listed = await request('GET', '/api/keys')
    assert.equal(listed.status, 200)
    const models = await request('GET', '/api/models')
    assert.equal(models.status, 200)
    const sonnet = models.body.data.find((model: { id: string }) => model.id === MODEL)
    assert.isOk(sonnet, `${MODEL} is in the catalog`)
    for (const path of ['/settings/keys', '/chat']) {
      const shown = await page(path)
      assert.equal(shown.status, 200, path)
    }

    /* ---------------------------------------------------- the tab's sockets */
    const live = await CapturedSocket.open(
      `${appUrl().replace(/^http/, 'ws')}/live?batch=1&hello=1`,
      session,
      '/live',
      liveReceived
    )
    sockets.push(live)
    const { socketId } = await live.next((frame) => frame.type === 'hello')

    const sync = await CapturedSocket.open(
      `${syncUrl()}?storeId=${encodeURIComponent(storeId)}&transport=ws`,
      session,
      '/livestore-sync',
      syncReceived
    )
    sockets.push(sync)
    let requestId = 0
    const livePull = String(++requestId)
    sync.send(pullRequest(livePull, storeId))
    await sync.next((frame) => frame._tag === 'Chunk' && frame.requestId === livePull)

    /* Pushes events as a device does, after whatever the server appended meanwhile. */
    const push = async (events: Array<{ name: string; args: unknown }>) => {
      for (let attempt = 0; attempt < 10; attempt++) {
        const store = await db.from('sync_stores').where('store_id', storeId).first()
        const head = Number(store?.head ?? 0)
        const id = String(++requestId)
        sync.send({
          _tag: 'Request',
          id,
          tag: 'SyncWsRpc.Push',
          payload: {
            storeId,
            batch: events.map((event, index) => ({
              ...event,
              seqNum: head + index + 1,
              parentSeqNum: head + index,
              clientId: 'byok-tab',
              sessionId: 'byok-session',
            })),
            backendId: { _tag: 'None' },
          },
          headers: [],
        })
        const exit = await sync.next((frame) => frame._tag === 'Exit' && frame.requestId === id)
        if (exit.exit._tag === 'Success') return
        if (exit.exit.cause?.error?._tag !== 'ServerAheadError') {
          throw new Error(`push refused: ${JSON.stringify(exit.exit)}`)
        }
      }
      throw new Error('push kept losing the race with the server')
    }

    const chatId = randomUUID()
    await push([
      {
        name: 'v1.ChatCreated',
        args: { id: chatId, title: '', model: MODEL, createdAt: Date.now() },
      },
    ])
    const ask = async (parentId: string | null, text: string) => {
      const id = randomUUID()
      await push([
        { name: 'v1.UserMessageSent', args: { id, chatId, parentId, text, createdAt: Date.now() } },
      ])
      return id
    }
    const replyOverHttp = async (messageId: string, extra: Record<string, unknown> = {}) => {
      const answerId = randomUUID()
      const response = await request('POST', `/api/chats/${chatId}/messages/${messageId}/reply`, {
        assistantMessageId: answerId,
        liveSocketId: socketId,
        ...extra,
      })
      assert.equal(response.status, 202, response.text)
      assert.isTrue(response.body.data.liveAttached)
      return answerId
    }
    const replyOnSocket = async (messageId: string) => {
      const answerId = randomUUID()
      live.send({ type: 'reply', chatId, messageId, assistantMessageId: answerId })
      const answer = await live.next(
        (frame) =>
          (frame.type === 'replied' || frame.type === 'reply_error') &&
          frame.assistantMessageId === answerId
      )
      return { answerId, answer }
    }
    const done = (answerId: string) =>
      live.next((frame) => frame.type === 'done' && frame.messageId === answerId)
    const finished = (answerId: string) => done(answerId).then((frame) => frame.status)
    const bearerCalls = (key: string) =>
      emulator.requests.filter(
        (call) =>
          call.path.endsWith('/chat/completions') && call.headers.authorization === `Bearer ${key}`
      ).length

    /* ------------------------------------------------ chat on the first key */
    const q1 = await ask(null, 'Over HTTP [[tokens:12]] [[tps:300]]')
    const a1 = await replyOverHttp(q1)
    assert.equal(await finished(a1), 'complete')
    assert.isTrue(live.frames.some((frame) => frame.type === 'token' && frame.messageId === a1))
    const a1Row = await finalMessage(a1)
    assert.equal(a1Row.status, 'complete')

    const q2 = await ask(a1, 'On the socket [[tokens:12]] [[tps:300]]')
    const { answerId: a2, answer: replied } = await replyOnSocket(q2)
    assert.equal(replied.type, 'replied', JSON.stringify(replied))
    assert.equal(await finished(a2), 'complete')
    assert.isTrue(live.frames.some((frame) => frame.type === 'token' && frame.messageId === a2))

    const q3 = await ask(a2, 'Refused [[fail:401]]')
    const { answerId: a3 } = await replyOnSocket(q3)
    const refused = await done(a3)
    assert.equal(refused.status, 'error')
    assert.match(refused.error, /OpenRouter rejected your API key/)

    const q4 = await ask(a2, 'Broken [[fail:500]]')
    const a4 = await replyOverHttp(q4)
    const broken = await done(a4)
    assert.equal(broken.status, 'error')
    assert.match(broken.error, /OpenRouter had a problem answering \(HTTP 500\)/)

    const q5 = await ask(a2, 'Long [[tokens:3000]] [[tps:60]]')
    const a5 = await replyOverHttp(q5)
    await live.next((frame) => frame.type === 'token' && frame.messageId === a5 && frame.seq >= 3)
    // A durable checkpoint of its text reaches the sync socket before it is stopped.
    await sync.next(
      (frame) =>
        frame._tag === 'Chunk' &&
        JSON.stringify(frame).includes('v1.AssistantTextCheckpoint') &&
        JSON.stringify(frame).includes(a5)
    )
    const stopResponse = await request('POST', `/api/chats/${chatId}/messages/${a5}/stop`)
    assert.equal(stopResponse.status, 200, stopResponse.text)
    assert.equal(await finished(a5), 'stopped')

    const a2b = await replyOverHttp(q2, { regenerate: true })
    assert.equal(await finished(a2b), 'complete')
    const a2bRow = await finalMessage(a2b)
    assert.equal(a2bRow.parent_message_id, q2)

    const firstKeyCalls = bearerCalls(firstKey)
    assert.isAtLeast(firstKeyCalls, 6, 'the provider received the first key on every reply')

    /* --------------------------------------------- replaced, then deleted */
    const replaced = await request('PUT', '/api/keys/openrouter', { apiKey: secondKey })
    assert.equal(replaced.status, 200, replaced.text)
    assert.isTrue(replaced.body.replaced)

    const q6 = await ask(a2b, 'With the new key [[tokens:6]] [[tps:300]]')
    const { answerId: a6 } = await replyOnSocket(q6)
    assert.equal(await finished(a6), 'complete')
    const q7 = await ask(a6, 'New key refused [[fail:401]]')
    const a7 = await replyOverHttp(q7)
    const refusedAgain = await done(a7)
    assert.match(refusedAgain.error, /OpenRouter rejected your API key/)
    assert.isAtLeast(bearerCalls(secondKey), 2, 'the provider received the replacement key')
    assert.equal(bearerCalls(firstKey), firstKeyCalls, 'the replaced key was never used again')

    const deleted = await request('DELETE', '/api/keys/openrouter')
    assert.equal(deleted.status, 204)
    const q8 = await ask(a6, 'No key any more')
    const { answer: locked } = await replyOnSocket(q8)
    assert.deepInclude(locked, { type: 'reply_error', status: 403, code: 'E_MODEL_LOCKED' })
    const lockedOverHttp = await request('POST', `/api/chats/${chatId}/messages/${q8}/reply`, {
      assistantMessageId: randomUUID(),
    })
    assert.equal(lockedOverHttp.status, 403)

    // The automatic title (its own call on the key, after the first exchange) is in the log.
    await waitUntil(async () => {
      const renamed = await db
        .from('sync_events')
        .where('store_id', storeId)
        .where('name', 'v1.ChatRenamed')
        .first()
      return !!renamed
    })
    /* A device catching up from scratch: the whole log. */
    const catchUp = String(++requestId)
    sync.send(pullRequest(catchUp, storeId, false))
    await sync.next((frame) => frame._tag === 'Exit' && frame.requestId === catchUp)
    // The live pull has everything too.
    const store = await db.from('sync_stores').where('store_id', storeId).firstOrFail()
    await sync.next(
      (frame) =>
        frame._tag === 'Chunk' &&
        frame.requestId === livePull &&
        frame.values.some((pulled: { batch: Array<{ eventEncoded: { seqNum: number } }> }) =>
          pulled.batch.some((event) => event.eventEncoded.seqNum === Number(store.head))
        )
    )
    live.close()
    sync.close()
    stopCapture()

    /* ---------------------------------------------------------- nowhere */
    const rows = async (table: string, column: string, value: string) =>
      JSON.stringify(await db.from(table).where(column, value))
    const chats = await db.from('chats').where('user_id', userId).select('id')
    const chatIds = chats.map((row) => row.id)
    const places: Record<string, string> = {
      'HTTP responses': http.join('\n'),
      '/live messages': liveReceived.join('\n'),
      '/livestore-sync messages': syncReceived.join('\n'),
      'log lines': logs.lines.join(''),
      'stdout/stderr': output.lines.join(''),
      'audit rows': await rows('audit_logs', 'user_id', userId),
      'sync_events rows': await rows('sync_events', 'store_id', storeId),
      'chats rows': await rows('chats', 'user_id', userId),
      'messages rows': JSON.stringify(await db.from('messages').whereIn('chat_id', chatIds)),
    }
    for (const [place, text] of Object.entries(places)) {
      const leaked = needles.filter((needle) => text.includes(needle))
      assert.deepEqual(leaked, [], `a key (or part of one) in the ${place}`)
    }

    /* ---------------------------- the capture saw the session it claims to */
    assert.equal(responses, 14)
    assert.include(places['/live messages'], '"type":"token"')
    for (const name of [
      'v1.AssistantMessageStarted',
      'v1.AssistantTextCheckpoint',
      'v1.AssistantMessageFinished',
      'v1.ChatRenamed',
    ]) {
      assert.include(places['/livestore-sync messages'], name)
      assert.include(places['sync_events rows'], name)
    }
    assert.include(places['/livestore-sync messages'], 'rejected your API key')
    assert.include(places['messages rows'], 'rejected your API key')
    // The provider's 401 body echoed each key; the failure was logged with it scrubbed out.
    const failures = logs.lines.filter((line) => line.includes('generation failed'))
    assert.isAtLeast(failures.length, 3)
    assert.isTrue(failures.some((line) => line.includes('[redacted]')))
    assert.isTrue(logs.lines.some((line) => line.includes('api key saved')))
    assert.isTrue(logs.lines.some((line) => line.includes('api key deleted')))
    assert.include(places['audit rows'], '[redacted]')
    assert.isTrue(
      emulator.requests.some(
        (call) =>
          call.path === '/api/v1/key' && call.headers.authorization === `Bearer ${secondKey}`
      ),
      'the replacement key was checked with the provider'
    )
  }).timeout(120_000)
})

function pullRequest(id: string, storeId: string, live = true) {
  return {
    _tag: 'Request',
    id,
    tag: 'SyncWsRpc.Pull',
    payload: { storeId, live, cursor: { _tag: 'None' } },
    headers: [],
  }
}
