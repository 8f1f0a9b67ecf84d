/*
| CPU profiles of every JavaScript target of a Chromium (pages, the LiveStore shared worker and
| the leader worker it starts), for `SYNC_BROWSER_CPU_PROFILE=<dir> npm run bench -- sync-browser`.
|
| Playwright's CDPSession cannot address the child sessions of a flattened auto-attach (the
| leader is a dedicated worker of a shared worker, a grandchild of the browser target), so this
| speaks CDP itself over the browser's debugging socket (Chromium started with
| --remote-debugging-port=0, which writes DevToolsActivePort into the profile folder). Each new
| target is held at its start (waitForDebuggerOnStart) until its profiler runs, so a worker's
| boot (wasm compile, OPFS pool) is in its profile.
*/
import { existsSync, readFileSync } from 'node:fs'
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import WebSocket from 'ws'

interface Attached {
  sessionId: string
  type: string
  url: string
  startedAt: number
}

export class BrowserCpuProfiler {
  #socket: WebSocket
  #nextId = 1
  #pending = new Map<number, { resolve: (value: any) => void; reject: (error: Error) => void }>()
  #sessions = new Map<string, Attached>()

  private constructor(socket: WebSocket) {
    this.#socket = socket
    socket.on('message', (data) => this.#onMessage(JSON.parse(String(data))))
  }

  /* Connects to the browser whose profile folder is given (started with --remote-debugging-port=0). */
  static async connect(profileDir: string): Promise<BrowserCpuProfiler> {
    const file = join(profileDir, 'DevToolsActivePort')
    for (let tries = 0; !existsSync(file) && tries < 100; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    const [port, path] = readFileSync(file, 'utf8').trim().split('\n')
    const socket = new WebSocket(`ws://127.0.0.1:${port}${path}`, { perMessageDeflate: false })
    await new Promise((resolve, reject) => {
      socket.once('open', resolve)
      socket.once('error', reject)
    })
    const profiler = new BrowserCpuProfiler(socket)
    await profiler.#send('Target.setAutoAttach', {
      autoAttach: true,
      waitForDebuggerOnStart: true,
      flatten: true,
      filter: [{ type: 'browser', exclude: true }, { type: 'tab', exclude: true }, {}],
    })
    return profiler
  }

  #send(method: string, params: object = {}, sessionId?: string): Promise<any> {
    const id = this.#nextId++
    this.#socket.send(JSON.stringify({ id, method, params, sessionId }))
    return new Promise((resolve, reject) => this.#pending.set(id, { resolve, reject }))
  }

  #onMessage(message: any) {
    if (message.id !== undefined) {
      const waiting = this.#pending.get(message.id)
      this.#pending.delete(message.id)
      if (message.error) waiting?.reject(new Error(`${message.error.message}`))
      else waiting?.resolve(message.result)
      return
    }
    if (message.method === 'Target.attachedToTarget') {
      void this.#onAttached(message.params).catch(() => {})
    }
  }

  async #onAttached({ sessionId, targetInfo, waitingForDebugger }: any) {
    const type: string = targetInfo.type
    if (!['page', 'shared_worker', 'worker', 'service_worker'].includes(type)) {
      if (waitingForDebugger) await this.#send('Runtime.runIfWaitingForDebugger', {}, sessionId)
      return
    }
    this.#sessions.set(sessionId, { sessionId, type, url: targetInfo.url, startedAt: Date.now() })
    // Nested targets (the shared worker's leader worker, a page's workers) are held too.
    await this.#send(
      'Target.setAutoAttach',
      { autoAttach: true, waitForDebuggerOnStart: true, flatten: true },
      sessionId
    ).catch(() => {})
    await this.#send('Profiler.enable', {}, sessionId)
    await this.#send('Profiler.setSamplingInterval', { interval: 250 }, sessionId)
    await this.#send('Profiler.start', {}, sessionId)
    if (waitingForDebugger) await this.#send('Runtime.runIfWaitingForDebugger', {}, sessionId)
  }

  /*
  | Stops every profiler and writes <n>-<type>.cpuprofile files into dir; returns their paths
  | with a one-paragraph summary each (busy time, top files and functions by self time).
  */
  async stop(dir: string): Promise<{ file: string; summary: string }[]> {
    await mkdir(dir, { recursive: true })
    const written: { file: string; summary: string }[] = []
    let n = 0
    for (const attached of this.#sessions.values()) {
      try {
        const { profile } = await this.#send('Profiler.stop', {}, attached.sessionId)
        const name = `${++n}-${attached.type}-${(attached.url.split('/').at(-1) || 'page').replace(/[^\w.-]/g, '_').slice(0, 60)}.cpuprofile`
        await writeFile(join(dir, name), JSON.stringify(profile))
        written.push({ file: join(dir, name), summary: summarizeProfile(profile) })
      } catch {
        // The target is gone (a closed worker): its profile went with it.
      }
    }
    this.#socket.close()
    return written
  }
}

interface CpuProfile {
  nodes: {
    id: number
    callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number }
  }[]
  startTime: number
  endTime: number
  samples: number[]
  timeDeltas: number[]
}

/* Self time by script file and by function (minified names keep their line:column). */
export function summarizeProfile(profile: CpuProfile, top = 12): string {
  const frames = new Map(profile.nodes.map((node) => [node.id, node.callFrame]))
  const byFile = new Map<string, number>()
  const byFunction = new Map<string, number>()
  let idle = 0
  for (let i = 0; i < profile.samples.length; i++) {
    const micros = profile.timeDeltas[i + 1] ?? 0
    const frame = frames.get(profile.samples[i])!
    if (frame.functionName === '(idle)') {
      idle += micros
      continue
    }
    const file = frame.url.split('/').at(-1) || frame.functionName || '(native)'
    const fn = `${frame.functionName || '(anonymous)'} ${file}:${frame.lineNumber + 1}:${frame.columnNumber + 1}`
    byFile.set(file, (byFile.get(file) ?? 0) + micros)
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + micros)
  }
  const span = profile.endTime - profile.startTime
  const ms = (micros: number) => `${(micros / 1000).toFixed(0)} ms`
  const list = (entries: Map<string, number>, count: number) =>
    [...entries]
      .sort((a, b) => b[1] - a[1])
      .slice(0, count)
      .map(([key, micros]) => `    ${ms(micros).padStart(8)}  ${key}`)
      .join('\n')
  return [
    `  span ${ms(span)}, busy ${ms(span - idle)}`,
    '  self time by file:',
    list(byFile, 6),
    '  self time by function:',
    list(byFunction, top),
  ].join('\n')
}
