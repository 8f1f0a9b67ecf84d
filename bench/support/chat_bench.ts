/*
| Shared by the generation benchmarks (ttft, long-chat): the app as its own
| process on a free port with a fresh database folder, its OpenRouter
| endpoint pointed at an LLM emulator running in this process or, for ttft,
| in a process of its own (either way it is timed directly too), signed-in users over real HTTP, and
| chat fixtures written straight into the server's tables (the reply
| endpoint reads the tables; the sync log is not needed for a reply).
|
| The server runs as production runs it: a production build (`node ace
| build`, see server_process.ts), `node bin/server.js`, no Vite dev server.
| NODE_ENV stays `development` only because the benches sign in through the
| development OpenID Connect provider (production signs in through Logto);
| on the API routes that changes nothing but the cookies' Secure flag and
| the HSTS header. BENCH_SERVER=dev runs the source with Vite's dev server
| instead (as `npm run dev` does), for comparison.
*/
import { spawn } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { once } from 'node:events'
import { mkdir } from 'node:fs/promises'
import { createInterface } from 'node:readline'
import { performance } from 'node:perf_hooks'
import { DatabaseSync } from 'node:sqlite'
import { WebSocket, type RawData } from 'ws'
import type { LlmEmulator } from '#llm/emulator/llm_emulator'
import {
  freePort,
  processCpuMs,
  productionBuild,
  setBenchServerEnv,
  startServer,
  stopServer,
} from './server_process.js'

const ROOT = new URL('../../', import.meta.url)
export const BENCH_MODEL = 'meta-llama/llama-3.3-70b-instruct'
const PLATFORM_KEY = 'sk-or-bench-platform-key'

export interface BenchUser {
  id: string
  headers: (path: string) => Record<string, string>
}

/* What the benches need of an emulator, in this process or in its own. */
export interface BenchEmulator {
  openRouterBaseUrl: string
  close: () => Promise<void>
}

/* The emulator as its own process (bench/support/emulator_process.ts). */
export interface EmulatorProcess extends BenchEmulator {
  cpuMs: () => number
}

export interface BenchApp<Emulator extends BenchEmulator = LlmEmulator> {
  appUrl: string
  /* Lines the server wrote to stderr (LOOP_LAG_P99_MS reports with BENCH_REPORT_LAG=1). */
  serverLines: string[]
  /* CPU time (ms) the server process has used so far. */
  serverCpuMs: () => number
  emulator: Emulator
  db: DatabaseSync
  signInUser: (index: number) => Promise<BenchUser>
  stop: () => Promise<void>
}

/*
| `emulatorProcess`: the emulator runs in a process of its own instead of
| this one, as a provider runs on another machine (see emulator_process.ts).
*/
export function startBenchApp(name: string): Promise<BenchApp<LlmEmulator>>
export function startBenchApp(
  name: string,
  options: { emulatorProcess: true }
): Promise<BenchApp<EmulatorProcess>>
export async function startBenchApp(
  name: string,
  options: { emulatorProcess?: boolean } = {}
): Promise<BenchApp<BenchEmulator>> {
  const port = await freePort()
  const appUrl = `http://localhost:${port}`
  const databaseDir = `tmp/bench/${name}-${process.pid}`
  const absoluteDatabaseDir = new URL(databaseDir + '/', ROOT).pathname
  await mkdir(absoluteDatabaseDir, { recursive: true })
  const devServer = process.env.BENCH_SERVER === 'dev'
  const build = devServer
    ? null
    : await productionBuild((message) => process.stderr.write(`${name}: ${message}\n`))

  const { LlmEmulator } = await import('#llm/emulator/llm_emulator')
  const emulator: BenchEmulator = options.emulatorProcess
    ? await startEmulatorProcess()
    : await LlmEmulator.start({ tokensPerSecond: 0, timeToFirstTokenMs: 0 })

  setBenchServerEnv({
    nodeEnv: 'development',
    port,
    appUrl,
    // Absolute: the built server runs in its own folder.
    databaseDir: absoluteDatabaseDir,
    extra: {
      // Only with BENCH_SERVER=dev: pages render through Vite's dev server.
      DEV_MODE: devServer ? 'true' : '',
      OPENROUTER_BASE_URL: emulator.openRouterBaseUrl,
      OPENROUTER_API_KEY: PLATFORM_KEY,
    },
  })
  const serverLines: string[] = []
  const server = await startChatServer(appUrl, serverLines, build?.dir)
  const db = new DatabaseSync(`${absoluteDatabaseDir}/main.sqlite`)
  db.exec('PRAGMA busy_timeout = 5000')
  const { signIn } = await import('#tests/helpers/sign_in')

  return {
    appUrl,
    serverLines,
    serverCpuMs: () => processCpuMs(server.pid!),
    emulator,
    db,
    signInUser: async (index) => {
      const signedIn = await signIn(`bench-${name}-${process.pid}-${index}@example.com`)
      const row = db.prepare('SELECT id FROM users WHERE email = ?').get(signedIn.email) as {
        id: string
      }
      return { id: row.id, headers: (path) => signedIn.session.headers(path) }
    },
    stop: async () => {
      db.close()
      await stopServer(server)
      await emulator.close()
      await build?.remove()
    },
  }
}

async function startEmulatorProcess(): Promise<EmulatorProcess> {
  const child = spawn(
    process.execPath,
    ['--import=@poppinss/ts-exec', 'bench/support/emulator_process.ts'],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] }
  )
  const lines = createInterface({ input: child.stdout! })
  const [line] = (await Promise.race([
    once(lines, 'line'),
    once(child, 'exit').then(([code]) => {
      throw new Error(`the emulator process exited (${code}) before it listened`)
    }),
  ])) as [string]
  lines.close()
  const { openRouterBaseUrl } = JSON.parse(line) as { openRouterBaseUrl: string }
  return {
    openRouterBaseUrl,
    cpuMs: () => processCpuMs(child.pid!),
    close: async () => {
      if (child.exitCode !== null) return
      const exited = once(child, 'exit')
      child.kill('SIGTERM')
      await exited
    },
  }
}

const sqlTime = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '')

export function insertChat(db: DatabaseSync, userId: string) {
  const id = randomUUID()
  const now = sqlTime(Date.now())
  db.prepare(
    `INSERT INTO chats (id, user_id, title, model, pinned, created_at, updated_at)
     VALUES (?, ?, 'Bench', ?, 0, ?, ?)`
  ).run(id, userId, BENCH_MODEL, now, now)
  return id
}

export function insertMessage(
  db: DatabaseSync,
  chatId: string,
  parentId: string | null,
  role: 'user' | 'assistant',
  content: string,
  at = Date.now()
) {
  const id = randomUUID()
  db.prepare(
    `INSERT INTO messages (id, chat_id, parent_message_id, role, content, status, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, 'complete', ?, ?)`
  ).run(id, chatId, parentId, role, content, sqlTime(at), sqlTime(at))
  return id
}

/* A /live socket recording, per answer, when its first text frame arrived. */
export class LiveClient {
  firstText = new Map<string, number>()
  /* Per answer: the text assembled from snapshot and token frames, and seq gaps seen. */
  texts = new Map<string, { text: string; seq: number; gaps: number; tokens: number }>()
  done = new Map<string, () => void>()
  /* Per answer: the final frame (status and error), or an error frame naming it. */
  doneFrames = new Map<string, { type: string; status?: string; error?: string; code?: string }>()
  /* The id of its hello frame (opened with `hello`), for a reply to name. */
  socketId: string | null = null
  #waiters = new Map<string, (at: number) => void>()
  #replies = new Map<string, (answer: any) => void>()

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data: RawData) => {
      const at = performance.now()
      const parsed = JSON.parse(data.toString())
      // A batched socket gets a tick's frames as one array.
      for (const frame of Array.isArray(parsed) ? parsed : [parsed]) this.#onFrame(frame, at)
    })
  }

  #onFrame(frame: any, at: number) {
    if (frame.type === 'hello') this.socketId = frame.socketId
    if (frame.type === 'replied' || frame.type === 'reply_error') {
      this.#replies.get(frame.assistantMessageId)?.(frame)
      this.#replies.delete(frame.assistantMessageId)
      return
    }
    if (
      (frame.type === 'token' || frame.type === 'snapshot') &&
      !this.firstText.has(frame.messageId)
    ) {
      this.firstText.set(frame.messageId, at)
      this.#waiters.get(frame.messageId)?.(at)
    }
    if (frame.type === 'snapshot' || frame.type === 'token') {
      let entry = this.texts.get(frame.messageId)
      if (!entry)
        this.texts.set(frame.messageId, (entry = { text: '', seq: 0, gaps: 0, tokens: 0 }))
      if (frame.type === 'snapshot') {
        entry.text = frame.text
      } else {
        if (frame.seq !== entry.seq + 1) entry.gaps++
        entry.text += frame.text
        entry.tokens++
      }
      entry.seq = frame.seq
    }
    if (frame.type === 'done' || frame.type === 'error') {
      this.doneFrames.set(frame.messageId, {
        type: frame.type,
        status: frame.status,
        error: frame.error ?? frame.message,
        code: frame.code,
      })
      // Ended before this socket saw any text (it subscribed after the end): no first-text time.
      if (!this.firstText.has(frame.messageId)) this.#waiters.get(frame.messageId)?.(Number.NaN)
      this.done.get(frame.messageId)?.()
    }
  }

  /* `hello`: as the browser opens it, named by a first hello frame (awaited here). */
  static async open(appUrl: string, user: BenchUser, options: { hello?: boolean } = {}) {
    const query = options.hello ? '?batch=1&hello=1' : '?batch=1'
    const socket = new WebSocket(`${appUrl.replace(/^http/, 'ws')}/live${query}`, {
      headers: { ...user.headers('/live'), origin: new URL(appUrl).origin },
    })
    const named = options.hello
      ? new Promise<string>((resolve) =>
          socket.once('message', (data: RawData) => resolve(JSON.parse(data.toString()).socketId))
        )
      : null
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve())
      socket.once('error', reject)
    })
    const client = new LiveClient(socket)
    if (named) client.socketId = await named
    return client
  }

  /* Resolves with the time of the answer's first text frame (NaN: it ended first), and once it is done. */
  watch(messageId: string) {
    const first = new Promise<number>((resolve) => {
      const seen = this.firstText.get(messageId)
      if (seen !== undefined) resolve(seen)
      else this.#waiters.set(messageId, resolve)
    })
    const finished = new Promise<void>((resolve) => this.done.set(messageId, resolve))
    return { first, finished }
  }

  /*
  | The reply sent on this socket, as the browser sends it when its socket is
  | open: resolves with the 'replied' frame's data (a refusal throws).
  */
  reply(chatId: string, messageId: string, assistantMessageId: string) {
    const answered = new Promise<{ liveAttached?: boolean }>((resolve, reject) =>
      this.#replies.set(assistantMessageId, (frame) =>
        frame.type === 'replied'
          ? resolve(frame.data)
          : reject(new Error(`reply frame refused: ${JSON.stringify(frame)}`))
      )
    )
    this.socket.send(JSON.stringify({ type: 'reply', chatId, messageId, assistantMessageId }))
    return answered
  }

  subscribe(messageId: string) {
    this.socket.send(JSON.stringify({ type: 'subscribe', messageId, fromSeq: 0 }))
  }

  close() {
    this.socket.terminate()
  }
}

export async function postReply(
  appUrl: string,
  user: BenchUser,
  chatId: string,
  messageId: string,
  assistantMessageId: string,
  liveSocketId?: string | null
): Promise<{ liveAttached?: boolean }> {
  const path = `/api/chats/${chatId}/messages/${messageId}/reply`
  const response = await fetch(`${appUrl}${path}`, {
    method: 'POST',
    headers: {
      ...user.headers(path),
      'accept': 'application/json',
      'content-type': 'application/json',
    },
    body: JSON.stringify({ assistantMessageId, ...(liveSocketId ? { liveSocketId } : {}) }),
  })
  const text = await response.text()
  if (response.status !== 202) throw new Error(`reply answered ${response.status}: ${text}`)
  return JSON.parse(text).data
}

/* The emulator's own time to first token: a streaming request straight to it. */
export async function directTtft(
  emulator: Pick<BenchEmulator, 'openRouterBaseUrl'>,
  prompt: string
): Promise<number> {
  const started = performance.now()
  const response = await fetch(`${emulator.openRouterBaseUrl}/chat/completions`, {
    method: 'POST',
    headers: { 'authorization': `Bearer ${PLATFORM_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      model: BENCH_MODEL,
      stream: true,
      messages: [{ role: 'user', content: prompt }],
    }),
  })
  const reader = response.body!.getReader()
  const decoder = new TextDecoder()
  let text = ''
  let first = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    text += decoder.decode(value, { stream: true })
    if (!first && /"content":"[^"]/.test(text)) first = performance.now()
  }
  if (!first) throw new Error('the emulator sent no text')
  return first - started
}

export function percentile(values: number[], p: number) {
  const sorted = [...values].sort((a, b) => a - b)
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  return sorted[index]
}

export const round = (value: number, digits = 3) => Number(value.toFixed(digits))

/* The server's stderr lines (the last 10,000), for the lag reports it prints. */
function startChatServer(appUrl: string, lines: string[] = [], build?: string) {
  // BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=tmp/prof" profiles the server
  // (a relative folder is taken from the project root, not the build's folder).
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? []).map(
    (arg) =>
      arg.replace(
        /^(--(?:cpu|heap)-prof-dir=)(?!\/)(.+)$/,
        (_, flag, dir) => flag + new URL(dir, ROOT).pathname
      )
  )
  return startServer(appUrl, {
    nodeArgs,
    build,
    onStderr: (chunk) => {
      lines.push(...chunk.split('\n').filter(Boolean))
      if (lines.length > 10_000) lines.splice(0, lines.length - 10_000)
    },
  })
}
