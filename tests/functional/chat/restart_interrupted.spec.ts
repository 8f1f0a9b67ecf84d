import { randomUUID } from 'node:crypto'
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { test } from '@japa/runner'
import app from '@adonisjs/core/services/app'
import { WebSocket } from 'ws'
import { LlmEmulator } from '#llm/emulator/llm_emulator'
import { replyTokens } from '#llm/emulator/emulator_script'
import { storeIdForUser } from '#shared/livestore/schema'
import { BrowserSession } from '#tests/helpers/browser_session'
import { signIn } from '#tests/helpers/sign_in'
import {
  freePort,
  startAppProcess,
  stopAppProcess,
  type AppProcess,
} from '#tests/support/app_process'
import {
  liveText,
  openLive,
  reply,
  waitUntil,
  type ChatUser,
} from '#tests/functional/chat/chat_helpers'
import { nextRequestId, pushFrame, RawSyncClient } from '#tests/functional/sync/sync_helpers'

/*
| "After a restart unfinished answers show as interrupted", with a real
| crash: the app runs as its own process (bin/server.ts) on a database
| folder of its own, answers from an LLM emulator in this process, is killed
| with SIGKILL in the middle of an answer (no shutdown hook runs, the
| answer's last durable state is its last checkpoint), then started again on
| the same folder. Everything reaches that process as a device would: sign-in
| over HTTP, the chat and question pushed on the sync socket, the reply
| POSTed, tokens watched on /live. The test reads the process's database
| file directly for what it left behind.
|
| The checkpoint interval is the production one (2 s, GenerationSettings):
| another process's container cannot be swapped, so the test waits for the
| first checkpoint. Two boots from source take a few seconds each.
*/

const PLATFORM_KEY = 'sk-or-platform-restart-5c1e9a'
const MODEL = 'meta-llama/llama-3.3-70b-instruct'

interface MessageRow {
  status: string
  content: string
  finish_reason: string | null
  error: string | null
}

interface EventRow {
  seq_num: number
  name: string
  args: string
}

test.group('Interrupted answers after a real restart', (group) => {
  let emulator: LlmEmulator
  let databaseDir: string
  let server: AppProcess | null = null
  let database: DatabaseSync | null = null

  group.setup(async () => {
    emulator = await LlmEmulator.start()
    // Beside this run's own database folder, removed afterwards.
    databaseDir = join(
      app.makePath(process.env.DATABASE_DIR ?? 'tmp/test'),
      `restart-${process.pid}-${randomUUID().slice(0, 8)}`
    )
    return async () => {
      database?.close()
      if (server) await stopAppProcess(server, 'SIGKILL')
      await emulator.close()
      await rm(databaseDir, { recursive: true, force: true })
    }
  })

  test('a process killed mid-answer: after the restart the answer is interrupted, its checkpointed text kept', async ({
    assert,
  }) => {
    const port = await freePort()
    const env = {
      DATABASE_DIR: databaseDir,
      OPENROUTER_BASE_URL: emulator.openRouterBaseUrl,
      OPENROUTER_API_KEY: PLATFORM_KEY,
      LOG_LEVEL: 'warn',
    }
    server = await startAppProcess(port, env)

    // Signed in on that process, as a browser would be.
    const email = `restart-${randomUUID()}@example.com`
    const { session } = await signIn(email, {
      session: new BrowserSession({ baseUrl: server.url }),
    })
    // Another process's file: node:sqlite here, better-sqlite3 there (one library per process).
    database = new DatabaseSync(join(databaseDir, 'main.sqlite'))
    database.exec('PRAGMA busy_timeout = 5000')
    const user = database.prepare('SELECT id FROM users WHERE email = ?').get(email)
    const alice: ChatUser = { id: String(user?.id), session }
    const storeId = storeIdForUser(alice.id)

    // The chat and its question, pushed by a device on the sync socket.
    const chatId = randomUUID()
    const questionId = randomUUID()
    const prompt = 'Tell me a very long story [[tokens:100000]] [[tps:40]]'
    const device = new WebSocket(
      `${server.url.replace(/^http/, 'ws')}/livestore-sync?storeId=${storeId}&transport=ws`,
      { headers: { ...session.headers('/livestore-sync'), origin: server.url } }
    )
    await new Promise<void>((resolve, reject) => {
      device.once('open', () => resolve())
      device.once('error', reject)
    })
    const sync = new RawSyncClient(device)
    const pushId = nextRequestId()
    const now = Date.now()
    sync.send(
      pushFrame(pushId, storeId, [
        {
          name: 'v1.ChatCreated',
          args: { id: chatId, title: 'Crash', model: MODEL, createdAt: now },
          seqNum: 1,
          parentSeqNum: 0,
        },
        {
          name: 'v1.UserMessageSent',
          args: { id: questionId, chatId, parentId: null, text: prompt, createdAt: now },
          seqNum: 2,
          parentSeqNum: 1,
        },
      ])
    )
    const pushed = await sync.next((frame) => frame._tag === 'Exit' && frame.requestId === pushId)
    assert.equal(pushed.exit._tag, 'Success', JSON.stringify(pushed))
    sync.close()

    const answerId = randomUUID()
    const accepted = await reply(alice, chatId, questionId, { assistantMessageId: answerId })
    assert.equal(accepted.status, 202, accepted.text)
    const live = await openLive(alice)
    live.send({ type: 'subscribe', messageId: answerId, fromSeq: 0 })
    await live.next((frame) => frame.type === 'token' && frame.messageId === answerId)

    const row = () =>
      database!
        .prepare('SELECT status, content, finish_reason, error FROM messages WHERE id = ?')
        .get(answerId) as unknown as MessageRow | undefined
    const events = () =>
      (
        database!
          .prepare(
            `SELECT seq_num, name, args FROM sync_events
             WHERE store_id = ? AND json_extract(args, '$.id') = ? ORDER BY seq_num`
          )
          .all(storeId, answerId) as unknown as EventRow[]
      ).map((event) => ({ seq: event.seq_num, name: event.name, args: JSON.parse(event.args) }))

    // A durable checkpoint (the first comes ~2 s in), then the crash.
    await waitUntil(() => events().some((event) => event.name === 'v1.AssistantTextCheckpoint'))
    await stopAppProcess(server, 'SIGKILL')
    const seenLive = liveText(live.frames, answerId).text
    live.close()

    // What the dead process left: an answer still streaming, its text the last checkpoint's.
    const left = events()
    assert.notInclude(
      left.map((event) => event.name),
      'v1.AssistantMessageFinished'
    )
    const lastCheckpoint = left.findLast((event) => event.name === 'v1.AssistantTextCheckpoint')!
    const checkpointed: string = lastCheckpoint.args.text
    const full = replyTokens(prompt, 100_000).join('')
    assert.isTrue(checkpointed.startsWith('Echo: Tell me a very long story'), checkpointed)
    assert.isTrue(full.startsWith(checkpointed))
    assert.deepEqual(row(), {
      status: 'streaming',
      content: checkpointed,
      finish_reason: null,
      error: null,
    })
    // The tab had seen at least that much, live.
    assert.isTrue(seenLive.startsWith(checkpointed))

    // The same database folder, a new process.
    server = await startAppProcess(port, env)
    await waitUntil(() => row()?.status !== 'streaming')
    assert.deepEqual(row(), {
      status: 'interrupted',
      content: checkpointed,
      finish_reason: 'interrupted',
      error: 'The server restarted before this answer was finished. Retry to answer again.',
    })
    const after = events()
    const finished = after.filter((event) => event.name === 'v1.AssistantMessageFinished')
    assert.lengthOf(finished, 1)
    assert.isAbove(finished[0].seq, lastCheckpoint.seq)
    assert.deepInclude(finished[0].args, {
      status: 'interrupted',
      text: checkpointed,
      model: MODEL,
    })

    // A tab that opens now is told at once how the answer ended.
    const tab = await openLive(alice)
    tab.send({ type: 'subscribe', messageId: answerId, fromSeq: 0 })
    const done = await tab.next((frame) => frame.messageId === answerId && frame.type === 'done')
    assert.equal(done.status, 'interrupted')
    tab.close()

    await stopAppProcess(server)
    server = null
  }).timeout(120_000)
})
