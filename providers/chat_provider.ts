import type { ApplicationService } from '@adonisjs/core/types'
import type { Server as HttpServer } from 'node:http'
import type { Server as HttpsServer } from 'node:https'
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks'
import logger from '@adonisjs/core/services/logger'
import { GenerationRegistry } from '#chat/services/generation_registry'
import { GenerationEventWriter } from '#chat/services/generation_event_writer'
import { SyncService } from '#sync/services/sync_service'
import GenerationSettings from '#chat/services/generation_settings'
import { LiveSocketServer } from '#chat/services/live_socket_server'
import { servesRequests } from '#core/app_lifecycle'
import { mainSqlite } from '#core/main_sqlite'

/*
| Generation lives once per process: the registry of running answers, the
| `/live` WebSocket endpoint on Adonis' HTTP server, and at start the
| recovery of answers a previous process left streaming (after
| DatabaseProvider has migrated: providers start in order).
*/
export default class ChatProvider {
  #live: LiveSocketServer | undefined
  #streamWorker: { stop(): Promise<void> } | undefined

  constructor(protected app: ApplicationService) {}

  register() {
    this.app.container.singleton(GenerationRegistry, () => new GenerationRegistry())
    this.app.container.singleton(
      GenerationEventWriter,
      async (resolver) => new GenerationEventWriter(await resolver.make(SyncService))
    )
    this.app.container.bind(GenerationSettings, () => new GenerationSettings())
    this.app.container.singleton(
      LiveSocketServer,
      async (resolver) => new LiveSocketServer(await resolver.make(GenerationRegistry))
    )
  }

  async start() {
    if (!servesRequests(this.app)) return
    if (process.env.BENCH_REPORT_LAG === '1') this.#reportLag()
    // The reply path's prepared reads use the main connection's handle: borrowed now, not mid-request.
    await mainSqlite.ready()
    // Up before the first busy minute: a stream that would go to a worker still booting is read here.
    const { streamWorker } = await import('#llm/openrouter_sse')
    this.#streamWorker = streamWorker
    void streamWorker.warm()

    const { default: InterruptedAnswersService } =
      await import('#chat/services/interrupted_answers_service')
    const recovery = await this.app.container.make(InterruptedAnswersService)
    const count = await recovery.finishAll()
    if (count > 0) logger.info({ count }, 'answers left streaming marked interrupted')

    const server = await this.app.container.make('server')
    const live = await this.app.container.make(LiveSocketServer)
    this.#live = live
    /*
    | Reply frames on /live start answers as POST .../reply does, through the
    | same service. It holds no state of its own, so one instance serves every
    | frame: making it (a dozen injected classes) took ~0.4 ms of the 2 ms
    | ttft budget per reply (ttft bench marks). Tests make it per frame, so
    | their container swaps (settings, endpoints, platform keys) apply.
    */
    const { default: ReplyService } = await import('#chat/services/reply_service')
    let shared: InstanceType<typeof ReplyService> | null = null
    live.handleRepliesWith(async (owner, request, attach) => {
      const replies = this.app.inTest
        ? await this.app.container.make(ReplyService)
        : (shared ??= await this.app.container.make(ReplyService))
      return replies.replyOnSocket(owner, request, attach)
    })
    const existing = server.getNodeServer()
    if (existing) live.attach(existing)
    // A signed-out session keeps no /live socket, as it keeps no sync socket (SyncProvider).
    const emitter = await this.app.container.make('emitter')
    emitter.on('session_auth:logged_out', ({ sessionId }) => live.disconnectSession(sessionId))
    // As in SyncProvider: the Node server is handed to setNodeServer after providers start.
    const setNodeServer = server.setNodeServer.bind(server)
    server.setNodeServer = (nodeServer: HttpServer | HttpsServer) => {
      setNodeServer(nodeServer)
      live.attach(nodeServer)
    }
  }

  /*
  | For `npm run bench -- streams` only (BENCH_REPORT_LAG=1, which the bench
  | sets for the server it starts): this process's event-loop delay, measured
  | here because it is the server's loop that must stay responsive, written
  | to stderr every second as `LOOP_LAG_P99_MS <p99> <max> <samples> <cpu> <at>`
  | (ms; cpu: this process's CPU time in that second, to tell a saturated
  | process from a stalled one; at: Date.now() at the line, so the bench can
  | tell which seconds fall in which phase; then the garbage collector's pause
  | time in that second and its longest pause, ms), the histogram reset after each line. A
  | stall is a single sample however long it lasts, so the bench takes the
  | worst second's p99 (and the max), not a p99 over the whole run a stall
  | would hide in. A second with no sample prints nothing.
  */
  #reportLag() {
    const histogram = monitorEventLoopDelay({ resolution: 5 })
    histogram.enable()
    const ms = (ns: number) => (ns / 1e6).toFixed(3)
    let cpu = process.cpuUsage()
    let gcMs = 0
    let gcMaxMs = 0
    const gc = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        gcMs += entry.duration
        gcMaxMs = Math.max(gcMaxMs, entry.duration)
      }
    })
    gc.observe({ entryTypes: ['gc'] })
    const timer = setInterval(() => {
      if (histogram.count > 0) {
        // Since the last line: a second without one adds its CPU time to the next.
        const used = process.cpuUsage(cpu)
        cpu = process.cpuUsage()
        const cpuMs = Math.round((used.user + used.system) / 1000)
        const p99 = ms(histogram.percentile(99))
        process.stderr.write(
          `LOOP_LAG_P99_MS ${p99} ${ms(histogram.max)} ${histogram.count} ${cpuMs} ${Date.now()} ` +
            `${gcMs.toFixed(1)} ${gcMaxMs.toFixed(1)}\n`
        )
        gcMs = 0
        gcMaxMs = 0
      }
      histogram.reset()
    }, 1_000)
    timer.unref()
  }

  async shutdown() {
    this.#live?.close()
    // Running answers end as interrupted, with their text so far, before the database closes.
    const registry = await this.app.container.make(GenerationRegistry)
    await registry.stopAll()
    await this.#streamWorker?.stop()
  }
}
