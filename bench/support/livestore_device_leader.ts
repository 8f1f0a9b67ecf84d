/*
| The bench device's LiveStore leader (a worker thread, as the browser's
| leader is a Web Worker): the same sync options as
| inertia/livestore/livestore.worker.ts, plus onSyncError: 'shutdown' so a
| sync failure ends the run instead of looking like a slow one.
|
| Node runs this file with its own type stripping, not through the bench's
| TypeScript loader: adapter-node starts the worker with its own execArgv,
| and that loader's hooks would add about 2 s of module loading to every
| measured boot (a browser loads one prebuilt worker bundle). So the app's
| TypeScript modules are imported by their .ts paths.
*/
import { BroadcastChannel } from 'node:worker_threads'
import { getWorkerArgs, makeWorkerEffect } from '@livestore/adapter-node/worker'
import { Effect, Scheduler } from '@livestore/utils/effect'
import { PlatformNode } from '@livestore/utils/node'
import { WebSocket as WsWebSocket } from 'ws'
import type { LeaderArgs } from './livestore_device_protocol.js'

const importTs = (path: string) => import(new URL(path, import.meta.url).href)
const { schema } = (await importTs(
  '../../shared/livestore/schema.ts'
)) as typeof import('#shared/livestore/schema')
const { leaderSyncOptions } = (await importTs(
  '../../shared/livestore/sync_options.ts'
)) as typeof import('#shared/livestore/sync_options')
const { PROGRESS_CHANNEL } = (await importTs(
  './livestore_device_protocol.ts'
)) as typeof import('./livestore_device_protocol.js')

const args = getWorkerArgs().extraArgs as unknown as LeaderArgs

/* Node's WebSocket cannot send a cookie; the browser sends the session cookie by itself. */
globalThis.WebSocket = class extends WsWebSocket {
  constructor(url: string | URL, protocols?: string | string[]) {
    super(url, protocols, { headers: args.headers, perMessageDeflate: false })
  }
} as unknown as typeof globalThis.WebSocket

const progress = new BroadcastChannel(PROGRESS_CHANNEL)
const profile = await startProfile(process.env.SYNC_BENCH_DEVICE_CPU_PROFILE)

makeWorkerEffect({
  schema,
  sync: {
    ...leaderSyncOptions({
      url: args.syncUrl,
      hasLocalCopy: args.hasLocalCopy,
      onPullProgress: (report) => {
        progress.postMessage(report)
        if (report.caughtUp) profile?.stopSoon()
      },
    }),
    onSyncError: 'shutdown',
  },
}).pipe(
  /*
  | The browser's leader worker (adapter-web's makeWorker) runs its fibers on a
  | macrotask scheduler (a MessageChannel) and yields every 4,096 ops. Node's
  | analogue of that macrotask is setImmediate; Effect's default scheduler
  | would yield through setTimeout(0), which Node clamps to 1 ms each time.
  */
  Effect.withScheduler(Scheduler.makeBatched((task) => setImmediate(task))),
  Effect.withMaxOpsBeforeYield(4096),
  PlatformNode.NodeRuntime.runMain
)

/*
| SYNC_BENCH_DEVICE_CPU_PROFILE=<dir>: a CPU profile of this thread (--cpu-prof
| does not reach a worker started with its own execArgv), from its start until
| a few seconds after the catch-up's last page arrived.
*/
async function startProfile(dir: string | undefined) {
  if (!dir) return undefined
  const { Session } = await import('node:inspector/promises')
  const { mkdir, writeFile } = await import('node:fs/promises')
  const session = new Session()
  session.connect()
  await session.post('Profiler.enable')
  await session.post('Profiler.start')
  let stopping = false
  return {
    stopSoon() {
      if (stopping) return
      stopping = true
      setTimeout(async () => {
        const stopped = await session.post('Profiler.stop')
        await mkdir(dir, { recursive: true })
        await writeFile(`${dir}/leader-${process.pid}.cpuprofile`, JSON.stringify(stopped.profile))
        session.disconnect()
      }, 3000)
    },
  }
}
