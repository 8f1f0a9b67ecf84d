/*
| `npm run bench -- ttft`: what the app adds to a model's time to first token.
|
| The app runs as its own process, its OpenRouter endpoint pointed at an LLM
| emulator (first token at once) in a third process: a provider is another
| machine, and an emulator inside this process would answer the app's model
| call only after this process had read the 202 and its other frames, a
| wait the direct call never has (BENCH_TTFT_EMULATOR=inline puts it back). For each sample, the
| browser's path (inertia/hooks/use_live_tokens.ts, use_branch_actions.ts
| replyTo): the tab's /live socket is open already (a chat view keeps it
| open) and was named by its hello frame; the reply is sent on that socket
| (a `reply` frame, the same reply as POST .../reply), the server attaches
| the socket to the answer, and the sample ends at the answer's first text
| frame on it. The emulator's own time to first token is measured the same
| way, straight to it, at the same concurrency.
|   overhead_p50_ms / overhead_p99_ms            1 stream at a time
|   overhead_p50_ms_c100 / overhead_p99_ms_c100  100 answers started at once (10 users, 10 tabs each)
| overhead = percentile(app path) - percentile(emulator direct). One JSON line.
|
| The POST path, the one API clients and a tab without an open socket take,
| is measured too, in the same run (`post_*`): POST .../reply naming the
| socket (`liveSocketId`), the server attaching it; a subscribe frame only
| when the 202 says it was not attached (`explicit_subscribes`).
| BENCH_TTFT_SUBSCRIBE=1 makes the POST path the older one (the 202, then a
| subscribe frame: one more round trip).
*/
import { randomUUID } from 'node:crypto'
import { performance } from 'node:perf_hooks'
import {
  BENCH_MODEL,
  LiveClient,
  directTtft,
  insertChat,
  insertMessage,
  percentile,
  postReply,
  round,
  startBenchApp,
  type BenchApp,
  type BenchEmulator,
  type BenchUser,
} from './support/chat_bench.ts'

const SERIAL_SAMPLES = Number(process.env.BENCH_SAMPLES ?? 300)
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 100)
const ROUNDS = 5
const USERS = 10
const WARMUP = 30
const progress = (message: string) => process.stderr.write(`ttft: ${message}\n`)
/*
| First token at once, the other 19 together 20 ms later. An answer that
| ended before its tab subscribed shows no token on /live at all (the tab
| gets `done` and the text from sync), so answers stay open long enough for
| the subscription that follows the 202; samples that still miss it are
| counted, not timed.
*/
const PROMPT = 'Benchmark question [[tokens:20]] [[ttft:0]] [[hold:20]]'
/* The path before subscribe on reply: the 202, then a subscribe frame. */
const EXPLICIT_SUBSCRIBE = process.env.BENCH_TTFT_SUBSCRIBE === '1'

interface Seat {
  user: BenchUser
  live: LiveClient
  chatId: string
  questionId: string
}

export default async function ttftBench() {
  const app =
    process.env.BENCH_TTFT_EMULATOR === 'inline'
      ? await startBenchApp('ttft')
      : await startBenchApp('ttft', { emulatorProcess: true })
  const seats: Seat[] = []
  try {
    // Signing in renders the development sign-in page: 10 users, 10 tabs each, one chat per tab.
    const users: BenchUser[] = []
    for (let index = 0; index < Math.min(USERS, CONCURRENCY); index++) {
      users.push(await app.signInUser(index))
    }
    for (let index = 0; index < CONCURRENCY; index++) {
      const user = users[index % users.length]
      const chatId = insertChat(app.db, user.id)
      // Not the chat's first message: no automatic title work after each answer.
      const opening = insertMessage(app.db, chatId, null, 'user', 'Hello')
      const answer = insertMessage(app.db, chatId, opening, 'assistant', 'Hi')
      const questionId = insertMessage(app.db, chatId, answer, 'user', PROMPT)
      const live = await LiveClient.open(app.appUrl, user, { hello: !EXPLICIT_SUBSCRIBE })
      seats.push({ user, live, chatId, questionId })
    }

    progress(`${seats.length} users signed in`)
    const accepted: number[] = []
    let missed = 0
    let explicitSubscribes = 0
    const one = async (seat: Seat, via: 'socket' | 'post' = 'socket') => {
      const answerId = randomUUID()
      const watched = seat.live.watch(answerId)
      const started = performance.now()
      const reply =
        via === 'socket'
          ? await seat.live.reply(seat.chatId, seat.questionId, answerId)
          : await postReply(
              app.appUrl,
              seat.user,
              seat.chatId,
              seat.questionId,
              answerId,
              seat.live.socketId
            )
      accepted.push(performance.now() - started)
      if (!reply.liveAttached) {
        explicitSubscribes++
        seat.live.subscribe(answerId)
      }
      const first = await watched.first
      await watched.finished
      if (Number.isNaN(first)) missed++
      return first - started
    }
    const timed = (samples: number[]) => samples.filter((sample) => !Number.isNaN(sample))

    for (let index = 0; index < WARMUP; index++) {
      await one(seats[0])
      await one(seats[0], 'post')
      await directTtft(app.emulator, PROMPT)
    }

    progress('warmed up')
    accepted.length = 0
    missed = 0
    explicitSubscribes = 0
    const serial: number[] = []
    const serialDirect: number[] = []
    const cpuBefore = app.serverCpuMs()
    for (let index = 0; index < SERIAL_SAMPLES; index++) {
      serial.push(...timed([await one(seats[0])]))
      serialDirect.push(await directTtft(app.emulator, PROMPT))
    }

    // The server's CPU per answer (request, stream, events), direct calls excluded: they never reach it.
    const cpuPerAnswer = (app.serverCpuMs() - cpuBefore) / SERIAL_SAMPLES
    const acceptedSerial = [...accepted]
    accepted.length = 0
    const serialPost: number[] = []
    const serialPostDirect: number[] = []
    for (let index = 0; index < SERIAL_SAMPLES; index++) {
      serialPost.push(...timed([await one(seats[0], 'post')]))
      serialPostDirect.push(await directTtft(app.emulator, PROMPT))
    }
    const acceptedPost = [...accepted]
    progress('serial done')
    const concurrent: number[] = []
    const concurrentDirect: number[] = []
    const concurrentPost: number[] = []
    const concurrentPostDirect: number[] = []
    let cpuConcurrent = 0
    for (let pass = 0; pass < ROUNDS; pass++) {
      const cpuAtStart = app.serverCpuMs()
      concurrent.push(...timed(await Promise.all(seats.map((seat) => one(seat)))))
      cpuConcurrent += app.serverCpuMs() - cpuAtStart
      concurrentDirect.push(
        ...(await Promise.all(seats.map(() => directTtft(app.emulator, PROMPT))))
      )
      concurrentPost.push(...timed(await Promise.all(seats.map((seat) => one(seat, 'post')))))
      concurrentPostDirect.push(
        ...(await Promise.all(seats.map(() => directTtft(app.emulator, PROMPT))))
      )
    }

    const overhead = (path: number[], direct: number[], p: number) =>
      round(percentile(path, p) - percentile(direct, p))
    console.log(
      JSON.stringify({
        bench: 'ttft',
        model: BENCH_MODEL,
        overhead_p50_ms: overhead(serial, serialDirect, 50),
        overhead_p99_ms: overhead(serial, serialDirect, 99),
        overhead_p50_ms_c100: overhead(concurrent, concurrentDirect, 50),
        overhead_p99_ms_c100: overhead(concurrent, concurrentDirect, 99),
        path_p50_ms: round(percentile(serial, 50)),
        direct_p50_ms: round(percentile(serialDirect, 50)),
        path_p50_ms_c100: round(percentile(concurrent, 50)),
        direct_p50_ms_c100: round(percentile(concurrentDirect, 50)),
        // The 'replied' frame (socket) / the 202 (POST), from sending the reply.
        replied_p50_ms: round(percentile(acceptedSerial, 50)),
        post_overhead_p50_ms: overhead(serialPost, serialPostDirect, 50),
        post_overhead_p99_ms: overhead(serialPost, serialPostDirect, 99),
        post_overhead_p50_ms_c100: overhead(concurrentPost, concurrentPostDirect, 50),
        post_overhead_p99_ms_c100: overhead(concurrentPost, concurrentPostDirect, 99),
        post_202_p50_ms: round(percentile(acceptedPost, 50)),
        server_cpu_ms_per_answer: round(cpuPerAnswer),
        server_cpu_ms_per_answer_c100: round(cpuConcurrent / (ROUNDS * seats.length)),
        samples: serial.length,
        samples_c100: concurrent.length,
        // Answers that ended before their subscription reached the server (not in the figures).
        missed_first_token: missed,
        // Samples whose 202 said the socket was not attached, so the tab subscribed itself.
        explicit_subscribes: explicitSubscribes,
      })
    )
  } finally {
    for (const seat of seats) seat.live.close()
    await stopApp(app)
  }
}

async function stopApp(app: BenchApp<BenchEmulator>) {
  await app.stop()
}
