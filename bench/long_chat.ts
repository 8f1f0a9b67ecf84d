/*
| `npm run bench -- long_chat`: starting a reply in a long, branched chat.
|
| A chat of 1,250 messages: a main path of 250 (125 exchanges) and 1,000
| more in 50 side branches of 20 hanging off it. reply_start_ms is the time
| from sending POST .../reply to the model request arriving at the emulator
| (this process): the endpoint's checks, the path read (root to the
| question) and the prompt. The same on a 4-message chat for comparison
| (reply_start_ms_small): the path read must not grow with other branches.
| One JSON line.
*/
import { randomUUID } from 'node:crypto'
import { performance } from 'node:perf_hooks'
import {
  LiveClient,
  insertChat,
  insertMessage,
  percentile,
  postReply,
  round,
  startBenchApp,
  type BenchUser,
} from './support/chat_bench.ts'

const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 200)
const WARMUP = 20
const MAIN_PATH = 250
const BRANCHES = 50
const BRANCH_LENGTH = 20

export default async function longChatBench() {
  const app = await startBenchApp('long-chat')
  let live: LiveClient | undefined
  try {
    const user = await app.signInUser(0)
    live = await LiveClient.open(app.appUrl, user)

    // The long chat, oldest first, written in one transaction.
    const longChat = insertChat(app.db, user.id)
    const mainPath: string[] = []
    let at = Date.now() - 10_000_000
    app.db.exec('BEGIN')
    let parent: string | null = null
    for (let index = 0; index < MAIN_PATH; index++) {
      const role = index % 2 === 0 ? 'user' : 'assistant'
      parent = insertMessage(
        app.db,
        longChat,
        parent,
        role,
        `${role} turn ${index} `.repeat(20),
        at++
      )
      mainPath.push(parent)
    }
    for (let branch = 0; branch < BRANCHES; branch++) {
      let branchParent: string = mainPath[(branch * 5) % MAIN_PATH]
      for (let depth = 0; depth < BRANCH_LENGTH; depth++) {
        const role = depth % 2 === 0 ? 'assistant' : 'user'
        branchParent = insertMessage(
          app.db,
          longChat,
          branchParent,
          role,
          `side ${branch}.${depth}`,
          at++
        )
      }
    }
    app.db.exec('COMMIT')
    // The question: a user message at the end of the main path.
    const longQuestion = mainPath.at(-2)!
    const count = app.db
      .prepare('SELECT COUNT(*) AS n FROM messages WHERE chat_id = ?')
      .get(longChat) as {
      n: number
    }

    const smallChat = insertChat(app.db, user.id)
    const s1 = insertMessage(app.db, smallChat, null, 'user', 'Hi')
    const s2 = insertMessage(app.db, smallChat, s1, 'assistant', 'Hello')
    const smallQuestion = insertMessage(app.db, smallChat, s2, 'user', 'How are you?')

    // The moment a model request arrives: the emulator checks its key first thing.
    let arrived = 0
    app.emulator.configure({
      isValidKey: (key) => {
        arrived = performance.now()
        return key.length > 0
      },
    })

    const sample = async (who: BenchUser, chatId: string, questionId: string) => {
      const answerId = randomUUID()
      const watched = live!.watch(answerId)
      arrived = 0
      const started = performance.now()
      await postReply(app.appUrl, who, chatId, questionId, answerId)
      live!.subscribe(answerId)
      await watched.finished
      if (!arrived) throw new Error('no model request arrived')
      return arrived - started
    }

    for (let index = 0; index < WARMUP; index++) {
      await sample(user, longChat, longQuestion)
      await sample(user, smallChat, smallQuestion)
    }
    const long: number[] = []
    const small: number[] = []
    for (let index = 0; index < SAMPLES; index++) {
      long.push(await sample(user, longChat, longQuestion))
      small.push(await sample(user, smallChat, smallQuestion))
    }
    console.log(
      JSON.stringify({
        bench: 'long_chat',
        messages: count.n,
        path_length: MAIN_PATH - 1,
        reply_start_ms: round(percentile(long, 50)),
        reply_start_p99_ms: round(percentile(long, 99)),
        reply_start_ms_small: round(percentile(small, 50)),
        reply_start_p99_ms_small: round(percentile(small, 99)),
        samples: long.length,
      })
    )
  } finally {
    live?.close()
    await app.stop()
  }
}
