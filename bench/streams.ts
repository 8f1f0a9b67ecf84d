/*
| `npm run bench -- streams`: many answers streaming at once on one process.
|
| 1,000 answers (10 users x 100 chats, 2 sockets of 50 per user) started together, each 250 tokens at
| 50 tokens/s from the emulator (in this process), every answer watched on
| its user's /live socket. Prints one JSON line:
|   concurrent_streams       answers running at once
|   tokens_per_s             token frames received per second, all answers
|   event_loop_lag_p99_ms    the server's worst 1-second p99 event-loop delay while streaming
|   lost_tokens              tokens of stored answers missing from what /live delivered
|                            (difference in words between the stored text and the live text)
*/
import { randomUUID } from 'node:crypto'
import { performance } from 'node:perf_hooks'
import { DatabaseSync } from 'node:sqlite'
import {
  LiveClient,
  insertChat,
  insertMessage,
  postReply,
  round,
  startBenchApp,
  type BenchUser,
} from './support/chat_bench.ts'

const USERS = Number(process.env.BENCH_USERS ?? 10)
const CHATS_PER_USER = Number(process.env.BENCH_CHATS ?? 100)
const TOKENS = 250
const PROMPT = `Stream [[tokens:${TOKENS}]] [[tps:50]]`

export default async function streamsBench() {
  process.env.BENCH_REPORT_LAG = '1'
  const app = await startBenchApp('streams')
  const lives: LiveClient[] = []
  try {
    const seats: { user: BenchUser; live: LiveClient; chatId: string; questionId: string }[] = []
    for (let index = 0; index < USERS; index++) {
      const user = await app.signInUser(index)
      let live = await LiveClient.open(app.appUrl, user)
      lives.push(live)
      for (let chat = 0; chat < CHATS_PER_USER; chat++) {
        // A socket serves at most 64 subscriptions (a tab watches a few answers): 50 per socket.
        if (chat > 0 && chat % 50 === 0) {
          live = await LiveClient.open(app.appUrl, user)
          lives.push(live)
        }
        const chatId = insertChat(app.db, user.id)
        const opening = insertMessage(app.db, chatId, null, 'user', 'Hello')
        const answer = insertMessage(app.db, chatId, opening, 'assistant', 'Hi')
        const questionId = insertMessage(app.db, chatId, answer, 'user', PROMPT)
        seats.push({ user, live, chatId, questionId })
      }
    }

    // Warm-up: the first replies load the generation modules (lazy controller imports).
    for (const seat of seats.slice(0, 5)) {
      const answerId = randomUUID()
      const watched = seat.live.watch(answerId)
      await postReply(app.appUrl, seat.user, seat.chatId, seat.questionId, answerId)
      seat.live.subscribe(answerId)
      await watched.finished
    }
    await new Promise((resolve) => setTimeout(resolve, 2_000))

    const lagFrom = app.serverLines.length
    const started = performance.now()
    const answers = await Promise.all(
      seats.map(async (seat) => {
        const answerId = randomUUID()
        const watched = seat.live.watch(answerId)
        await postReply(app.appUrl, seat.user, seat.chatId, seat.questionId, answerId)
        seat.live.subscribe(answerId)
        await watched.finished
        return { answerId, live: seat.live }
      })
    )
    const elapsed = (performance.now() - started) / 1000
    const lags = app.serverLines
      .slice(lagFrom)
      .map((line) => /^LOOP_LAG_P99_MS ([\d.]+)/.exec(line)?.[1])
      .filter((value): value is string => value !== undefined)
      .map(Number)

    // Stored answers (the server's table) against what /live delivered.
    const reader = new DatabaseSync(
      new URL(`../tmp/bench/streams-${process.pid}/main.sqlite`, import.meta.url).pathname,
      { readOnly: true }
    )
    let lost = 0
    let tokens = 0
    let incomplete = 0
    const statement = reader.prepare('SELECT content, status FROM messages WHERE id = ?')
    for (const { answerId, live } of answers) {
      const row = statement.get(answerId) as { content: string; status: string } | undefined
      const seen = live.texts.get(answerId)
      tokens += seen?.tokens ?? 0
      if (!row || row.status !== 'complete') incomplete++
      const stored = row?.content.split(' ').length ?? TOKENS
      const delivered = seen?.text ? seen.text.split(' ').length : 0
      if (seen?.text !== row?.content) lost += Math.max(0, stored - delivered) || 1
    }
    reader.close()

    console.log(
      JSON.stringify({
        bench: 'streams',
        concurrent_streams: seats.length,
        tokens_per_answer: TOKENS,
        tokens_per_s: round(tokens / elapsed, 1),
        event_loop_lag_p99_ms: lags.length ? Math.max(...lags) : null,
        lost_tokens: lost,
        incomplete_answers: incomplete,
        elapsed_s: round(elapsed, 2),
        lag_p99_ms_per_second: lags,
      })
    )
  } finally {
    for (const live of lives) live.close()
    await app.stop()
  }
}
