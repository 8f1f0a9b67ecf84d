/*
| `npm run bench -- sync-browser`: a real browser as a new device of a user
| with 1,000 chats and 20,000 messages (the sync bench's initial sync, in
| Chromium instead of Node).
|
| The app runs as production runs it (a production build, see
| server_process.ts; NODE_ENV=development only for the development sign-in
| provider, as in the generation benches). The history is pushed through the
| sync endpoint by a raw client with a session of that user. Then a fresh
| browser context (no OPFS, nothing local: a new device) signs in on a page
| that does not open the chats (a fresh Chromium profile on disk), and the
| clock starts when it goes to /chat:
|   initial_sync_browser_s_20k        until its store holds every chat and message (page load,
|                                     the leader worker's start and pull, the page's boot)
|   initial_sync_browser_cpu_s_20k    CPU the browser's processes used meanwhile (all of them:
|                                     the server runs apart, so this is the device's work)
|   initial_sync_browser_first_page_s / _last_page_s
|                                     when the leader reported its first and last catch-up page
| `--initial-sync=skip` gives the browser an empty local folder for the store
| first, so it boots as a returning device (the configuration every device
| had before: the page applies every pulled event itself).
| SYNC_BENCH_VERBOSE=1 splits the browser's CPU by process type (renderer:
| the page and its leader worker; browser; gpu).
| SYNC_BROWSER_CPU_PROFILE=<dir> writes a .cpuprofile per page and worker of the new device
| (the leader worker included; support/livestore_browser_profile.ts), from the navigation to
| /chat until materialized; profiling slows the run, so its figures are not the bench's.
| Chromium: /usr/bin/chromium (CHROMIUM_PATH), headless, as the browser tests run it.
*/
import { readdirSync, readFileSync } from 'node:fs'
import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { DatabaseSync } from 'node:sqlite'
import { chromium, type BrowserContext, type Page } from 'playwright-core'
import { RawClient, chatHistory } from './support/sync_raw_client.js'
import {
  freePort,
  productionBuild,
  setBenchServerEnv,
  startServer,
  stopServer,
} from './support/server_process.js'
import { chromiumLaunchOptions } from '#tests/support/chromium'
import { BrowserCpuProfiler } from './support/livestore_browser_profile.js'

const ROOT = new URL('../', import.meta.url)
const CHATS = 1000
const MESSAGES_PER_CHAT = 20
const TIMEOUT_MS = 300_000

export default async function syncBrowserBench(args: string[] = []) {
  const skip = args.includes('--initial-sync=skip')
  const log = (message: string) => process.stderr.write(`sync-browser: ${message}\n`)
  const port = await freePort()
  const appUrl = `http://localhost:${port}`
  const databaseDir = new URL(`tmp/bench/sync-browser-${process.pid}/`, ROOT).pathname
  await mkdir(databaseDir, { recursive: true })
  const build = await productionBuild(log)
  setBenchServerEnv({
    nodeEnv: 'development',
    port,
    appUrl,
    databaseDir,
    extra: { DEV_MODE: '' },
  })
  const server = await startServer(appUrl, { build: build.dir })
  const browser = await chromium.launch(chromiumLaunchOptions)
  const profileDir = await mkdtemp(join(tmpdir(), 'sync-browser-profile-'))
  const results: Record<string, number | string | null> = {}
  try {
    const email = `bench-sync-browser-${process.pid}@example.com`

    // The user and their history, written through the sync endpoint.
    const writerContext = await browser.newContext({ baseURL: appUrl })
    await signIn(writerContext, email)
    const db = new DatabaseSync(`${databaseDir}/main.sqlite`)
    const { id: userId } = db.prepare('SELECT id FROM users WHERE email = ?').get(email) as {
      id: string
    }
    db.close()
    const storeId = `user-${userId}`
    const cookies = await writerContext.cookies(appUrl)
    const cookie = cookies.map(({ name, value }) => `${name}=${value}`).join('; ')
    await writerContext.close()
    await browser.close()
    const writer = await RawClient.connect(`ws://localhost:${port}/livestore-sync`, {
      id: userId,
      storeId,
      headers: { cookie, origin: appUrl },
    })
    const history = chatHistory(CHATS, MESSAGES_PER_CHAT)
    await writer.pushAll(history, await writer.openLivePull())
    writer.close()
    results.events_20k = history.length

    /*
    | A new device of that user: a fresh profile on disk. (A Playwright context from newContext
    | is off the record: its OPFS lives in the browser process, and every read and write of the
    | leader's database is an IPC there, which a person's browser does not pay.)
    */
    const profileOut = process.env.SYNC_BROWSER_CPU_PROFILE
    const context = await chromium.launchPersistentContext(profileDir, {
      ...chromiumLaunchOptions,
      args: [...chromiumLaunchOptions.args, ...(profileOut ? ['--remote-debugging-port=0'] : [])],
      baseURL: appUrl,
    })
    await context.addInitScript(`
      window.__initialSync = []
      new BroadcastChannel('chat:initial-sync').onmessage = (event) => {
        window.__initialSync.push({ ...event.data, at: performance.now() })
      }
    `)
    const page = await signIn(context, email, context.pages()[0])
    if (skip) {
      // A local folder for the store: the page takes the device for a returning one.
      await page.evaluate(
        `navigator.storage.getDirectory().then((root) => root.getDirectoryHandle('livestore-${storeId}@bench', { create: true }))`
      )
    }
    const typesBefore = new Map<string, number>()
    const cpuBefore = browserCpuSeconds(server.pid!, typesBefore)
    const profiler = profileOut ? await BrowserCpuProfiler.connect(profileDir) : undefined
    const started = performance.now()
    await page.goto('/chat')
    const counts = await waitForCounts(page, storeId, CHATS, CHATS * MESSAGES_PER_CHAT)
    results.initial_sync_browser_s_20k = round((performance.now() - started) / 1000, 2)
    if (profiler) {
      for (const { file, summary } of await profiler.stop(profileOut!)) {
        log(`CPU profile: ${file}\n${summary}`)
      }
    }
    const typesAfter = new Map<string, number>()
    results.initial_sync_browser_cpu_s_20k = round(
      browserCpuSeconds(server.pid!, typesAfter) - cpuBefore,
      2
    )
    if (process.env.SYNC_BENCH_VERBOSE) {
      for (const [type, seconds] of typesAfter) {
        log(`CPU ${type}: ${round(seconds - (typesBefore.get(type) ?? 0), 2)} s`)
      }
    }
    results.initial_sync_browser_chats = counts.chats
    results.initial_sync_browser_messages = counts.messages
    const reports = await page.evaluate<{ received: number; at: number }[]>('window.__initialSync')
    const navigationStart = await page.evaluate<number>('performance.timeOrigin')
    const pageStarted = navigationStart - (performance.timeOrigin + started)
    results.initial_sync_browser_first_page_s = reports.length
      ? round((reports[0].at + pageStarted) / 1000, 2)
      : null
    results.initial_sync_browser_last_page_s = reports.length
      ? round((reports.at(-1)!.at + pageStarted) / 1000, 2)
      : null
    results.initial_sync_browser_mode = skip ? 'skip' : 'blocking'
    await context.close()
  } finally {
    await browser.close()
    await rm(profileDir, { recursive: true, force: true })
    await stopServer(server)
    await build.remove()
    await rm(databaseDir, { recursive: true, force: true })
  }
  console.log(JSON.stringify({ bench: 'sync-browser', ...results }))
}

/* Through the development sign-in provider, ending on a page that does not open the chats. */
async function signIn(context: BrowserContext, email: string, existing?: Page): Promise<Page> {
  const page = existing ?? (await context.newPage())
  await page.goto(`/sign-in?return_to=${encodeURIComponent('/settings/keys')}`)
  await page.waitForURL(/\/dev-sign-in\//)
  await page.getByLabel('Email').fill(email)
  await page.getByRole('button', { name: 'Continue' }).click()
  await page.waitForURL(/\/settings\/keys$/)
  return page
}

/* Polls the page's store (LiveStore keeps it on globalThis.__debugLiveStore) for its row counts. */
async function waitForCounts(page: Page, storeId: string, chats: number, messages: number) {
  const deadline = performance.now() + TIMEOUT_MS
  let counts = { chats: 0, messages: 0 }
  while (performance.now() < deadline) {
    counts = await page.evaluate<{ chats: number; messages: number }>(`(() => {
      const store = globalThis.__debugLiveStore?.[${JSON.stringify(storeId)}]
      if (!store) return { chats: 0, messages: 0 }
      const [row] = store.query({
        query: 'SELECT (SELECT COUNT(*) FROM chats) AS chats, (SELECT COUNT(*) FROM messages) AS messages',
        bindValues: {},
      })
      return row
    })()`)
    if (counts.chats >= chats && counts.messages >= messages) return counts
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error(`not materialized within ${TIMEOUT_MS} ms: ${JSON.stringify(counts)}`)
}

/*
| CPU time (user + system, s) of the browser's processes so far (the page and its workers run
| in a renderer process): every descendant of this process but the server, from /proc (Linux).
*/
function browserCpuSeconds(serverPid: number, byType?: Map<string, number>) {
  const children = new Map<number, number[]>()
  const cpu = new Map<number, number>()
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      const parent = Number(fields[1])
      children.set(parent, [...(children.get(parent) ?? []), Number(entry)])
      cpu.set(Number(entry), (Number(fields[11]) + Number(fields[12])) / 100)
    } catch {
      // The process ended meanwhile.
    }
  }
  let total = 0
  const pending = [...(children.get(process.pid) ?? [])]
  while (pending.length > 0) {
    const pid = pending.pop()!
    if (pid === serverPid) continue
    total += cpu.get(pid) ?? 0
    if (byType) {
      let type = 'browser'
      try {
        const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8')
        type =
          cmdline.match(/--type=([a-z-]+)/)?.[1] ??
          (cmdline.includes('chrom') ? 'browser' : 'other')
        const service = cmdline.match(/--utility-sub-type=([\w.]+)/)?.[1]
        if (service) type += `:${service}`
      } catch {}
      byType.set(type, (byType.get(type) ?? 0) + (cpu.get(pid) ?? 0))
    }
    pending.push(...(children.get(pid) ?? []))
  }
  return total
}

const round = (value: number, digits: number) => Number(value.toFixed(digits))
