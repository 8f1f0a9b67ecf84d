/*
| `npm run bench -- sync`: the sync endpoint under load, on loopback.
|
| Starts the app (bin/server.ts) as its own process on a free port with a
| fresh database folder, signs users in (session cookies minted with the
| app's own encryption, see sessionMinter), then measures:
|   delivery_p50_ms / delivery_p95_ms   a push sent by one device until another device of
|                                       the same user has the event (raw sockets)
|   delivery_materialized_p50_ms        the same, until a LiveStore device (below) has
|                                       materialized it (includes one IPC hop, ~0.1 ms)
|   push_events_per_s                   sustained accepted events/s, 100 stores pushing at once
|                                       (batches of 10, each socket also holding its live pull)
|   push_events_per_s_batch1            the same with one event per push
|   idle_rss_kb_per_connection          server RSS growth per idle sync socket: 1,000 users with
|                                       one socket each, each holding a live pull (so each user's
|                                       store state counts too); _marginal: a second socket each
|   idle_heap_kb_per_connection         the same for the JS heap's live objects
|   initial_sync_s_20k                  a new device pulling a user with 1,000 chats and 20,000
|                                       messages: from opening its store until all are materialized
|   initial_sync_device_cpu_s_20k       CPU the device process used meanwhile (both its threads;
|                                       less sensitive than wall time to a busy machine)
|   initial_sync_first_page_s /         when the first and last catch-up page reached the device
|   initial_sync_last_page_s            (the rest of the time is the leader applying them)
|   initial_pull_transfer_s_20k         the same catch-up read by a raw socket (server + wire only)
| and prints them as one JSON line. Every loop is bounded.
|
| The LiveStore device (support/livestore_device*.ts) is configured as the
| browser is for a new device: its own process with NODE_ENV=production (a
| production bundle: no dev-mode materializer hashing), the leader in a
| worker thread (the browser's is a Web Worker) on the same macrotask
| scheduling as adapter-web's leader, and the browser's sync options
| (shared/livestore/sync_options.ts): a device without a local copy blocks
| its boot until the leader has pulled everything, then the page's session
| loads one snapshot. Differences left: in-memory storage instead of OPFS
| (a browser also writes pages to disk), and Node loads the leader's
| LiveStore modules unbundled (about 1 s of the boot, in first_page_s).
| `--initial-sync=skip` configures the device as a returning one instead
| (the session boots at once and re-applies every pulled event: the
| configuration every device had before).
|
| Idle memory is measured as what the sockets retain: after a warm-up (100
| sockets opened and closed, so the upgrade path is compiled), each sample is
| taken after a full "last resort" collection in the server (--expose-gc and
| bench/support/server_memory_probe.mjs, loaded only by this bench), so it
| excludes the garbage the upgrades leave (an HttpContext, the session's
| decryption, the user query: tens of KB per upgrade until the next GC) and
| heap the collector has not given back yet. Sampled without that, RSS growth
| over the first thousand swung between ~35 and ~73 KB per socket with the
| collector's timing while retained memory did not change.
|
| `--only=idle,delivery,push,initial` runs some phases; SYNC_BENCH_VERBOSE=1
| reports the initial sync's progress on stderr; SYNC_BENCH_CPU_PROFILE=<dir>
| writes a CPU profile of the server process there, and
| SYNC_BENCH_DEVICE_CPU_PROFILE=<dir> profiles the device (its main thread
| and its leader).
*/
import { randomUUID } from 'node:crypto'
import { mkdir, rm } from 'node:fs/promises'
import { performance } from 'node:perf_hooks'
import { openLiveStoreDevice } from './support/livestore_device.js'
import { RawClient, chatCreated, chatHistory, type BenchUser } from './support/sync_raw_client.js'
import {
  freePort,
  processCpuMs,
  setBenchServerEnv,
  startServer,
  stopServer,
} from './support/server_process.js'

const ROOT = new URL('../', import.meta.url)
const USERS = 100
const IDLE_CONNECTIONS = 1000
/* Sign-in indexes of the idle phase's users (after the others'). */
const IDLE_USER_OFFSET = 10_000
const DELIVERY_SAMPLES = 500
const MATERIALIZED_SAMPLES = 100
const PUSHES_PER_STORE = 50
const PUSH_BATCH = 10
const PUSHES_PER_STORE_BATCH1 = 100
const CHATS_20K = 1000
const MESSAGES_PER_CHAT = 20

const PHASES = ['idle', 'delivery', 'push', 'initial'] as const

/* `npm run bench -- sync [--only=idle,delivery,push,initial]` */
export default async function syncBench(args: string[] = []) {
  const only = args.find((arg) => arg.startsWith('--only='))?.slice('--only='.length)
  const phases = new Set(only ? only.split(',') : PHASES)
  const initialMode = args.includes('--initial-sync=skip') ? 'skip' : 'blocking'
  const port = await freePort()
  const appUrl = `http://localhost:${port}`
  const syncUrl = `ws://localhost:${port}/livestore-sync`
  const databaseDir = `tmp/bench/sync-${process.pid}`
  const absoluteDatabaseDir = new URL(databaseDir + '/', ROOT).pathname
  await mkdir(absoluteDatabaseDir, { recursive: true })

  // The server process and this one read the same settings; a throw-away key, nothing from .env.
  setBenchServerEnv({ nodeEnv: 'test', port, appUrl, databaseDir })

  const server = await startSyncServer(appUrl)
  const results: Record<string, number | string | null> = {}
  const sockets: RawClient[] = []
  try {
    const signInUser = await sessionMinter(appUrl)
    const users: BenchUser[] = []
    for (let index = 0; index < USERS; index++) users.push(await signInUser(index))
    const connect = async (user: BenchUser) => {
      const client = await RawClient.connect(syncUrl, user)
      sockets.push(client)
      return client
    }

    // 1. Idle sockets first, on a server that has not yet grown its heap for the load tests:
    //    1,000 users with one socket each (so each brings its store's state too), then a
    //    second socket for each (another tab or device: the marginal cost of a socket).
    if (phases.has('idle')) {
      const idleUsers: BenchUser[] = []
      for (let index = 0; index < IDLE_CONNECTIONS; index++) {
        idleUsers.push(await signInUser(IDLE_USER_OFFSET + index))
      }
      const openIdle = async (owners: BenchUser[]) => {
        const opened: RawClient[] = []
        for (let index = 0; index < owners.length; index += 50) {
          const batch = await Promise.all(owners.slice(index, index + 50).map(connect))
          await Promise.all(batch.map((client) => client.openLivePull()))
          opened.push(...batch)
        }
        await sleep(2000)
        return opened
      }
      // Warm-up: the first upgrades compile and cache the session/auth path; not per-socket cost.
      for (const client of await openIdle(users)) client.close()
      await sleep(2000)
      // Sampled after a full collection: what the sockets retain, not the garbage their
      // upgrades left behind (see server_memory_probe.mjs).
      const before = await server.memory()
      const first = await openIdle(idleUsers)
      const withFirst = await server.memory()
      const second = await openIdle(idleUsers)
      const withSecond = await server.memory()
      const perSocket = (from: ServerMemory, to: ServerMemory, key: keyof ServerMemory) =>
        round((to[key] - from[key]) / 1024 / IDLE_CONNECTIONS, 1)
      results.idle_connections = first.length
      results.idle_rss_kb_per_connection = perSocket(before, withFirst, 'rss')
      results.idle_rss_kb_per_connection_marginal = perSocket(withFirst, withSecond, 'rss')
      results.idle_heap_kb_per_connection = perSocket(before, withFirst, 'heapUsed')
      results.idle_heap_kb_per_connection_marginal = perSocket(withFirst, withSecond, 'heapUsed')
      if (process.env.SYNC_BENCH_VERBOSE) console.error({ before, withFirst, withSecond })
      for (const client of [...first, ...second]) client.close()
      await sleep(500)
    }

    // 2. Delivery: device A pushes, device B (same user) has it.
    if (phases.has('delivery')) {
      const user = users[0]
      const a = await connect(user)
      const b = await connect(user)
      let head = await a.openLivePull()
      await b.openLivePull()
      const samples: number[] = []
      for (let index = 0; index < DELIVERY_SAMPLES; index++) {
        const seq = head + 1
        const arrived = b.waitForSeq(seq)
        const started = performance.now()
        const exit = await a.push([chatCreated()], head)
        if (exit.exit._tag !== 'Success')
          throw new Error(`delivery push refused: ${JSON.stringify(exit)}`)
        await arrived
        samples.push(performance.now() - started)
        head = seq
      }
      results.delivery_p50_ms = round(percentile(samples, 50), 2)
      results.delivery_p95_ms = round(percentile(samples, 95), 2)
      results.delivery_samples = samples.length

      // The same, until a LiveStore client has materialized the event.
      const device = openLiveStoreDevice(users[0], syncUrl)
      try {
        await device.opened
        const materialized: number[] = []
        for (let index = 0; index < MATERIALIZED_SAMPLES; index++) {
          const event = chatCreated()
          const id = (event.args as { id: string }).id
          const seen = device.waitForChat(id)
          const started = performance.now()
          const exit = await a.push([event], head)
          if (exit.exit._tag !== 'Success')
            throw new Error(`delivery push refused: ${JSON.stringify(exit)}`)
          head++
          await seen
          materialized.push(performance.now() - started)
        }
        results.delivery_materialized_p50_ms = round(percentile(materialized, 50), 2)
        results.delivery_materialized_p95_ms = round(percentile(materialized, 95), 2)
      } finally {
        await device.close()
      }
      a.close()
      b.close()
    }

    // 3. Sustained pushes: 100 stores at once, each socket also holding its own live pull.
    const throughput = async (pushesPerStore: number, batchSize: number) => {
      const pushers = await Promise.all(users.map((user) => connect(user)))
      const heads = await Promise.all(pushers.map((client) => client.openLivePull()))
      const started = performance.now()
      await Promise.all(
        pushers.map(async (client, index) => {
          let head = heads[index]
          for (let push = 0; push < pushesPerStore; push++) {
            const batch = Array.from({ length: batchSize }, () => chatCreated())
            const exit = await client.push(batch, head)
            if (exit.exit._tag !== 'Success')
              throw new Error(`push refused: ${JSON.stringify(exit)}`)
            head += batchSize
          }
        })
      )
      const seconds = (performance.now() - started) / 1000
      for (const client of pushers) client.close()
      return (users.length * pushesPerStore * batchSize) / seconds
    }
    if (phases.has('push')) {
      results.push_events_per_s = Math.round(await throughput(PUSHES_PER_STORE, PUSH_BATCH))
      results.push_batch = PUSH_BATCH
      results.push_events_per_s_batch1 = Math.round(await throughput(PUSHES_PER_STORE_BATCH1, 1))
      results.push_stores = users.length
    }

    // 4. Initial sync of a user with 1,000 chats and 20,000 messages.
    if (phases.has('initial')) {
      const heavy = await signInUser(USERS)
      const writer = await connect(heavy)
      let head = await writer.openLivePull()
      const all = chatHistory(CHATS_20K, MESSAGES_PER_CHAT)
      await writer.pushAll(all, head)
      writer.close()
      results.events_20k = all.length

      const reader = await connect(heavy)
      const transferStarted = performance.now()
      const received = await reader.catchUp()
      results.initial_pull_transfer_s_20k = round((performance.now() - transferStarted) / 1000, 2)
      if (received !== all.length)
        throw new Error(`catch-up brought ${received} of ${all.length} events`)
      reader.close()

      const serverCpuBefore = cpuSeconds(server.pid!)
      let firstPageMs: number | null = null
      let lastPageMs: number | null = null
      const device = openLiveStoreDevice(heavy, syncUrl, {
        hasLocalCopy: initialMode === 'skip',
        onProgress: (progress) => {
          firstPageMs ??= progress.ms
          if (progress.received === all.length) lastPageMs = progress.ms
          if (process.env.SYNC_BENCH_VERBOSE) {
            const at = round(progress.ms / 1000, 2)
            console.error(
              `initial sync: ${progress.received} of ${progress.total ?? '?'} at ${at} s`
            )
          }
        },
      })
      try {
        const done = await device.waitForCounts(CHATS_20K, CHATS_20K * MESSAGES_PER_CHAT, 180_000)
        results.initial_sync_s_20k = round(done.ms / 1000, 2)
        results.initial_sync_device_cpu_s_20k = round(done.cpuMs / 1000, 2)
        results.initial_sync_server_cpu_s_20k = round(cpuSeconds(server.pid!) - serverCpuBefore, 2)
        results.initial_sync_first_page_s =
          firstPageMs === null ? null : round(firstPageMs / 1000, 2)
        results.initial_sync_last_page_s = lastPageMs === null ? null : round(lastPageMs / 1000, 2)
        const opened = await device.opened
        results.initial_sync_store_opened_s = round(opened.ms / 1000, 2)
        results.initial_sync_mode = initialMode
      } catch (error) {
        results.initial_sync_s_20k = null
        results.initial_sync_error = String((error as Error).message)
      } finally {
        await device.close()
      }
    }
  } finally {
    for (const client of sockets) client.close()
    await bootedApp?.terminate()
    await stopServer(server)
    await rm(absoluteDatabaseDir, { recursive: true, force: true })
  }

  console.log(JSON.stringify({ bench: 'sync', ...results }))
  // LiveStore's Node adapter can keep timers alive after shutdown.
  process.exit(0)
}

let bootedApp: { terminate(): Promise<void> } | undefined

/*
| Signed-in users without the sign-in pages (bin/server.ts serves no Vite
| assets): the app is booted here as for an ace command, users are created
| with the User model, and each gets exactly the session cookie the `web`
| session guard writes after a sign-in (`auth_web` in the cookie session
| store), encrypted and signed by the app's own encryption service with the
| throw-away APP_KEY both processes share. Tests sign in over real HTTP.
*/
async function sessionMinter(appUrl: string) {
  await import('reflect-metadata')
  const { Ignitor, configProvider } = await import('@adonisjs/core')
  const importer = (filePath: string) =>
    filePath.startsWith('./') || filePath.startsWith('../')
      ? import(new URL(filePath, ROOT).href)
      : import(filePath)
  const app = new Ignitor(ROOT, { importer })
    .tap((booting) => booting.booting(async () => void (await import('#start/env'))))
    .createApp('console')
  await app.init()
  await app.boot()
  await app.start(() => {})
  bootedApp = app

  const { CookieClient } = await import('@adonisjs/core/http')
  const { Encryption } = await import('@adonisjs/core/encryption')
  const { default: User } = await import('#models/user')
  const { storeIdForUser } = await import('#shared/livestore/schema')
  const cookies = new CookieClient(await app.container.make(Encryption))
  const session: any = await configProvider.resolve(app, app.config.get('session'))

  return async (index: number): Promise<BenchUser> => {
    const user = await User.create({
      logtoId: randomUUID(),
      email: `bench-${process.pid}-${index}@example.com`,
    })
    const sessionId = randomUUID()
    const cookie = [
      `${session.cookieName}=${cookies.sign(session.cookieName, sessionId)}`,
      `${sessionId}=${cookies.encrypt(sessionId, { auth_web: user.id })}`,
    ].join('; ')
    return { id: user.id, storeId: storeIdForUser(user.id), headers: { cookie, origin: appUrl } }
  }
}

interface ServerMemory {
  rss: number
  heapUsed: number
  heapTotal: number
  external: number
  arrayBuffers: number
}

/*
| The app server, with bench/support/server_memory_probe.mjs loaded: memory()
| asks it (SIGUSR2) for its memory use after a full garbage collection.
*/
async function startSyncServer(appUrl: string) {
  const waiting: ((memory: ServerMemory) => void)[] = []
  let pending = ''
  const child = await startServer(appUrl, {
    nodeArgs: [
      ...(process.env.SYNC_BENCH_CPU_PROFILE
        ? ['--cpu-prof', `--cpu-prof-dir=${process.env.SYNC_BENCH_CPU_PROFILE}`]
        : []),
      '--expose-gc',
      `--import=${new URL('./support/server_memory_probe.mjs', import.meta.url).href}`,
    ],
    onStderr: (chunk) => {
      pending += chunk
      for (let end = pending.indexOf('\n'); end !== -1; end = pending.indexOf('\n')) {
        const line = pending.slice(0, end)
        pending = pending.slice(end + 1)
        if (line.startsWith('@@memory ')) waiting.shift()?.(JSON.parse(line.slice(9)))
      }
    },
  })
  return Object.assign(child, {
    memory(): Promise<ServerMemory> {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error('the server did not report its memory')),
          30_000
        )
        waiting.push((memory) => {
          clearTimeout(timer)
          resolve(memory)
        })
        child.kill('SIGUSR2')
      })
    },
  })
}

const cpuSeconds = (pid: number) => processCpuMs(pid) / 1000

function percentile(values: number[], p: number) {
  const sorted = [...values].sort((a, b) => a - b)
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  return sorted[index]
}

const round = (value: number, digits: number) => Number(value.toFixed(digits))
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
