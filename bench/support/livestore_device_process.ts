/*
| A LiveStore device for the sync bench, in its own process (forked by
| livestore_device.ts with NODE_ENV=production, as a production browser
| bundle runs LiveStore: no dev-mode materializer hashing).
|
| Like the browser: the leader runs in a worker thread (adapter-node's
| makeWorkerAdapter; the browser's leader is a Web Worker) with the browser's
| sync options (shared/livestore/sync_options.ts), and this thread is the
| page's session. Storage is in memory: every device is a new device.
*/
import { randomUUID } from 'node:crypto'
import { BroadcastChannel } from 'node:worker_threads'
import { performance } from 'node:perf_hooks'
import { makeWorkerAdapter } from '@livestore/adapter-node'
import { createStorePromise, type Store } from '@livestore/livestore'
import { LogLevel } from '@livestore/utils/effect'
import { schema, tables } from '#shared/livestore/schema'
import {
  PROGRESS_CHANNEL,
  type DeviceReply,
  type DeviceRequest,
  type LeaderArgs,
} from './livestore_device_protocol.js'

let store: Store<typeof schema> | undefined
let openedAt = 0
let openedCpu = 0

const send = (reply: DeviceReply) => process.send!(reply)
const cpuMs = () => {
  // The whole process: this thread and the leader's worker thread.
  const usage = process.cpuUsage()
  return (usage.user + usage.system) / 1000
}

const progress = new BroadcastChannel(PROGRESS_CHANNEL)
progress.onmessage = (event) => {
  const { received, total, caughtUp } = (event as MessageEvent).data
  send({ type: 'progress', received, total, caughtUp, ms: performance.now() - openedAt })
}
progress.unref()

async function open(storeId: string, leader: LeaderArgs) {
  openedAt = performance.now()
  openedCpu = cpuMs()
  store = await createStorePromise({
    adapter: makeWorkerAdapter({
      workerUrl: new URL('./livestore_device_leader.ts', import.meta.url),
      workerExtraArgs: leader as any,
      storage: { type: 'in-memory' },
      clientId: `bench-device-${randomUUID()}`,
      sessionId: 'bench',
    }),
    schema,
    storeId,
    disableDevtools: true,
    logLevel: LogLevel.Warning,
  })
  send({ type: 'opened', ms: performance.now() - openedAt, cpuMs: cpuMs() - openedCpu })
}

function waitForChat(ref: number, id: string) {
  let done = false
  let unsubscribe: (() => void) | undefined
  unsubscribe = store!.subscribe(tables.chats.where({ id }).count(), (count: number) => {
    if (count > 0 && !done) {
      done = true
      send({ type: 'chat', ref })
      queueMicrotask(() => unsubscribe?.())
    }
  }) as () => void
}

async function waitForCounts(ref: number, chats: number, messages: number, timeoutMs: number) {
  const deadline = performance.now() + timeoutMs
  while (performance.now() < deadline) {
    if (
      store!.query(tables.chats.count()) >= chats &&
      store!.query(tables.messages.count()) >= messages
    ) {
      return send({
        type: 'counts',
        ref,
        ok: true,
        ms: performance.now() - openedAt,
        cpuMs: cpuMs() - openedCpu,
      })
    }
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  send({
    type: 'counts',
    ref,
    ok: false,
    ms: performance.now() - openedAt,
    cpuMs: cpuMs() - openedCpu,
    error: `not materialized within ${timeoutMs} ms`,
  })
}

process.on('message', (request: DeviceRequest) => {
  const run = async () => {
    switch (request.type) {
      case 'open':
        return open(request.storeId, {
          syncUrl: request.syncUrl,
          headers: request.headers,
          hasLocalCopy: request.hasLocalCopy,
        })
      case 'waitForChat':
        return waitForChat(request.ref, request.id)
      case 'waitForCounts':
        return waitForCounts(request.ref, request.chats, request.messages, request.timeoutMs)
      case 'close':
        // Leaves the leader time to write its profile (see livestore_device_leader.ts).
        if (process.env.SYNC_BENCH_DEVICE_CPU_PROFILE) await new Promise((r) => setTimeout(r, 5000))
        await store?.shutdownPromise()
        // LiveStore's Node adapter can keep timers alive after shutdown.
        process.exit(0)
    }
  }
  run().catch((error) => {
    send({ type: 'failed', error: String((error as Error)?.stack ?? error) })
  })
})
