/*
| `npm run bench -- streams`: many answers streaming at once on one process.
|
| 1,000 answers (10 users x 100 chats, 2 sockets of 50 per user) started together, each 250 tokens
| at 50 tokens/s from the emulator (in this process), every answer watched on its user's /live
| socket (batched, as the browser opens it). Prints one JSON line:
|   concurrent_streams       answers running at once
|   tokens_per_s             token frames received per second, all answers (from the burst of
|                            replies to the last answer's end)
|   event_loop_lag_p99_ms    the server's event-loop delay: the worst one-second p99 while
|                            streaming (measured in the server process, see
|                            providers/chat_provider.ts; a stall is one sample of a histogram, so
|                            a p99 over the whole run would hide it)
|   event_loop_lag_max_ms    the longest single delay; seconds_over_50ms: seconds whose p99 >= 50
|   idle_process_lag_p99_ms  the same worst-second p99 for an idle process on this machine
|                            meanwhile (and its median second): the floor the machine's load sets
|   server_cpu_per_s         the server's CPU time per second of wall time (1 = one core), and
|                            server_cpu_us_per_token: its CPU per delivered token, burst included
|   lost_tokens              tokens of stored answers missing from what /live delivered
|                            (difference in words between the stored text and the live text)
|   incomplete_answers       answers not stored as complete; `faults` shows the first few
|   replies_accepted_s       from the burst's start until the last reply request was accepted;
|                            first_token_p50_ms / _p99_ms: from the burst's start to each
|                            answer's first text on /live
| BENCH_USERS / BENCH_CHATS scale it down (e.g. BENCH_USERS=4: 400 answers); BENCH_TOKENS sets
| the answers' length (250).
*/
import { spawn } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { performance } from 'node:perf_hooks'
import { DatabaseSync } from 'node:sqlite'
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

const USERS = Number(process.env.BENCH_USERS ?? 10)
const CHATS_PER_USER = Number(process.env.BENCH_CHATS ?? 100)
const TOKENS = Number(process.env.BENCH_TOKENS ?? 250)
const PROMPT = `Stream [[tokens:${TOKENS}]] [[tps:50]]`
const WARM_UP = 'Warm up [[tokens:20]] [[tps:200]]'

export default async function streamsBench() {
  process.env.BENCH_REPORT_LAG = '1'
  const app = await startBenchApp('streams')
  const lives: LiveClient[] = []
  const floor = startLagFloor()
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

    // Warm-up: the first replies load the generation modules (lazy controller imports) and
    // warm the JIT; short answers to a question of their own, in the first chats.
    await Promise.all(
      seats.slice(0, 10).map(async (seat) => {
        const questionId = insertMessage(app.db, seat.chatId, seat.questionId, 'user', WARM_UP)
        for (let turn = 0; turn < 3; turn++) {
          const answerId = randomUUID()
          const watched = seat.live.watch(answerId)
          await postReply(app.appUrl, seat.user, seat.chatId, questionId, answerId)
          seat.live.subscribe(answerId)
          await watched.finished
        }
      })
    )
    await new Promise((resolve) => setTimeout(resolve, 2_000))

    const lagFrom = app.serverLines.length
    const floorFrom = floor.lines.length
    const started = performance.now()
    const benchCpu = process.cpuUsage()
    let lastAccepted = started
    const answers = await Promise.all(
      seats.map(async (seat) => {
        const answerId = randomUUID()
        const watched = seat.live.watch(answerId)
        await postReply(app.appUrl, seat.user, seat.chatId, seat.questionId, answerId)
        lastAccepted = performance.now()
        seat.live.subscribe(answerId)
        await watched.finished
        const first = seat.live.firstText.get(answerId)
        return {
          answerId,
          live: seat.live,
          firstMs: first === undefined ? Number.NaN : first - started,
        }
      })
    )
    const elapsed = (performance.now() - started) / 1000
    const benchCpuUsed = process.cpuUsage(benchCpu)
    const firstTokens = answers.map((answer) => answer.firstMs).filter(Number.isFinite)
    // One line a second from the server: p99, max and sample count of that second's delays.
    const seconds = app.serverLines
      .slice(lagFrom)
      .map((line) => /^LOOP_LAG_P99_MS ([\d.]+)(?: ([\d.]+) (\d+) (\d+))?/.exec(line))
      .filter((match): match is RegExpExecArray => match !== null)
      .map((match) => ({
        p99: Number(match[1]),
        max: Number(match[2] ?? match[1]),
        cpuMs: match[4] === undefined ? null : Number(match[4]),
      }))
    const lags = seconds.map((second) => second.p99)
    const floorLags = floor.lines.slice(floorFrom)

    // Stored answers (the server's table) against what /live delivered.
    const reader = new DatabaseSync(
      new URL(`../tmp/bench/streams-${process.pid}/main.sqlite`, import.meta.url).pathname,
      { readOnly: true }
    )
    let lost = 0
    let tokens = 0
    let incomplete = 0
    const statement = reader.prepare('SELECT content, status, error FROM messages WHERE id = ?')
    const faults: Record<string, unknown>[] = []
    for (const { answerId, live } of answers) {
      const row = statement.get(answerId) as
        { content: string; status: string; error: string | null } | undefined
      const seen = live.texts.get(answerId)
      tokens += seen?.tokens ?? 0
      if (!row || row.status !== 'complete') incomplete++
      const stored = row?.content.split(' ').length ?? TOKENS
      const delivered = seen?.text ? seen.text.split(' ').length : 0
      if (seen?.text !== row?.content || !row || row.status !== 'complete') {
        if (seen?.text !== row?.content) lost += Math.max(0, stored - delivered) || 1
        faults.push({
          status: row?.status ?? null,
          error: row?.error ?? null,
          stored_words: row ? stored : null,
          live_words: delivered,
          gaps: seen?.gaps ?? null,
          done: live.doneFrames.get(answerId) ?? null,
        })
      }
    }
    reader.close()

    console.log(
      JSON.stringify({
        bench: 'streams',
        concurrent_streams: seats.length,
        tokens_per_answer: TOKENS,
        tokens_per_s: round(tokens / elapsed, 1),
        event_loop_lag_p99_ms: lags.length ? Math.max(...lags) : null,
        event_loop_lag_max_ms: seconds.length ? Math.max(...seconds.map((x) => x.max)) : null,
        seconds_over_50ms: lags.filter((lag) => lag >= 50).length,
        // The same figure for an idle process on this machine meanwhile: the lag the machine's
        // load alone causes (other processes holding the CPU), not the server.
        idle_process_lag_p99_ms: floorLags.length ? Math.max(...floorLags) : null,
        idle_process_lag_p99_median_ms: floorLags.length ? percentile(floorLags, 50) : null,
        // The server process's CPU time while streaming, per second of wall time (1 = one core).
        server_cpu_per_s: round(
          seconds.reduce((sum, second) => sum + (second.cpuMs ?? 0), 0) / 1000 / elapsed,
          2
        ),
        server_cpu_us_per_token: tokens
          ? round(
              (seconds.reduce((sum, second) => sum + (second.cpuMs ?? 0), 0) * 1000) / tokens,
              1
            )
          : null,
        lost_tokens: lost,
        incomplete_answers: incomplete,
        elapsed_s: round(elapsed, 2),
        // The burst: until the last reply was accepted, and each answer's first token.
        replies_accepted_s: round((lastAccepted - started) / 1000, 2),
        first_token_p50_ms: firstTokens.length ? round(percentile(firstTokens, 50), 1) : null,
        first_token_p99_ms: firstTokens.length ? round(percentile(firstTokens, 99), 1) : null,
        lag_p99_ms_per_second: lags,
        server_cpu_ms_per_second: seconds.map((second) => second.cpuMs),
        // This process (emulator, reply requests, /live clients): if it nears 1, it is the limit.
        bench_process_cpu_per_s: round(
          (benchCpuUsed.user + benchCpuUsed.system) / 1e6 / elapsed,
          2
        ),
        // The first few answers that were incomplete or differ from what /live delivered.
        faults: faults.slice(0, 5),
      })
    )
  } finally {
    floor.stop()
    for (const live of lives) live.close()
    await app.stop()
  }
}

/*
| An idle Node process measuring its own event-loop delay the way the server
| does (worst p99 per second): on a shared machine, the floor under the
| server's figure.
*/
function startLagFloor() {
  const script = `
    const { monitorEventLoopDelay } = require('node:perf_hooks')
    const histogram = monitorEventLoopDelay({ resolution: 5 })
    histogram.enable()
    setInterval(() => {
      if (histogram.count > 0) console.log((histogram.percentile(99) / 1e6).toFixed(3))
      histogram.reset()
    }, 1000)
  `
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'ignore'] })
  const lines: number[] = []
  child.stdout.on('data', (chunk) => {
    for (const line of String(chunk).split('\n')) if (line.trim()) lines.push(Number(line))
  })
  return { lines, stop: () => child.kill() }
}
