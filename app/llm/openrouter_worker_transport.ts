import { Worker } from 'node:worker_threads'
import { extname } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { ChunkFailure, ChunkState } from '#llm/openrouter_chunks'
import { WorkerOp, type ToWorker } from '#llm/openrouter_stream_protocol'

/*
|--------------------------------------------------------------------------
| Streaming answers read in a worker thread
|--------------------------------------------------------------------------
|
| Why: at a thousand streaming answers the event loop spent ~40% of its time
| receiving the providers' event streams (HTTP parsing of every socket read,
| server-sent events, JSON.parse and checks of every chunk: the streams
| bench's CPU profile), and ran at a whole core; its worst seconds then
| stalled 50-150 ms. Here one worker thread owns the provider connections
| of streaming answers and hands back only the text deltas and the outcome,
| one message per turn of its loop for all streams together.
|
| When: only while at least `threshold` answers stream. One answer alone
| would pay two thread hops (~0.1-0.2 ms) on its first token for nothing;
| the event loop reads a few streams itself cheaper than it wakes a thread.
| Until the worker is up (it starts on the first streaming call), and if it
| dies, calls are read on the event loop as before (openrouter_sse.ts).
|
| The worker reads the same bytes the same way (openrouter_chunks.ts, the
| same SSE parser); tests/unit/llm/openrouter_sse.spec.ts runs every case
| through the SDK, the event loop and the worker and expects one outcome.
*/

export interface RemoteHead {
  status: number
  statusText: string
  /* Name, value, name, value... as node:http's rawHeaders. */
  headers: string[]
}

export interface RemoteOutcome {
  finishReason: string
  usage: ChunkState['usage']
  costUsd: ChunkState['costUsd']
  /* Why the stream failed, as data (openrouter_sse.ts makes it the SDK's error). */
  failure: ChunkFailure | null
  /* The stream ended on our side (abort): its reason. */
  aborted?: { reason: unknown }
}

export type RemoteResponse =
  | { kind: 'stream'; head: RemoteHead; reading: Promise<RemoteOutcome>; close: () => void }
  | { kind: 'whole'; head: RemoteHead; body: Uint8Array }

/* Why a call failed before any answer: a socket error's code and message, or the worker died. */
export class RemoteRequestError extends Error {
  constructor(
    message: string,
    readonly code: string | null
  ) {
    super(message)
  }
}

/* The answer's connection closed mid-body (a non-stream answer). */
export class RemoteBodyCutError extends Error {}

interface Call {
  signal: AbortSignal
  onText: (text: string) => boolean | void
  respond: (response: RemoteResponse) => void
  refuse: (error: unknown) => void
  head: RemoteHead | null
  responded: boolean
  settle: ((outcome: RemoteOutcome) => void) | null
  onAbort: () => void
}

/* A worker that died is started again at most this often. */
const RESTART_MS = 5_000

export class OpenRouterWorkerTransport {
  threshold: number
  #worker: Worker | null = null
  #ready = false
  #startedAt = -Infinity
  #nextId = 1
  #calls = new Map<number, Call>()
  #stopping = false
  /* Calls sent to the worker so far. */
  sent = 0

  constructor(
    threshold: number,
    /* Told when the worker fails or exits on its own (its streams end as cut). */
    protected onFailure: (error: Error | null, code: number) => void = () => {}
  ) {
    this.threshold = threshold
  }

  /* Whether a call made while `streaming` answers stream goes to the worker; starts it if needed. */
  accepts(streaming: number): boolean {
    if (streaming < this.threshold) return false
    if (this.#ready) return true
    this.#start()
    return false
  }

  /* Starts the worker now, even right after one died (it is otherwise started by the first call that would use it). */
  warm(): Promise<void> {
    this.#start(true)
    const worker = this.#worker
    if (!worker || this.#ready) return Promise.resolve()
    return new Promise((resolve) => {
      const settled = () => {
        worker.off('message', onMessage)
        resolve()
      }
      const onMessage = (message: unknown) => message === 'ready' && settled()
      worker.on('message', onMessage)
      worker.once('exit', settled)
    })
  }

  get ready() {
    return this.#ready
  }

  /*
  | Sends the request from the worker. Resolves once the answer is known: a
  | 2xx event stream after its first delta (or its end) went to `onText`, as
  | the event loop's reader does; any other answer read whole.
  */
  send(
    url: string,
    headers: Record<string, string>,
    body: string,
    signal: AbortSignal,
    onText: (text: string) => boolean | void
  ): Promise<RemoteResponse> {
    return new Promise<RemoteResponse>((respond, refuse) => {
      if (signal.aborted) return refuse(signal.reason)
      const worker = this.#worker
      if (!worker)
        return refuse(new RemoteRequestError('provider stream worker is not running', null))
      const id = this.#nextId++
      const call: Call = {
        signal,
        onText,
        respond,
        refuse,
        head: null,
        responded: false,
        settle: null,
        onAbort: () => {
          this.#close(id)
          if (call.settle) call.settle({ ...unfinished(), aborted: { reason: signal.reason } })
          else if (!call.responded) refuse(signal.reason)
        },
      }
      signal.addEventListener('abort', call.onAbort, { once: true })
      this.#calls.set(id, call)
      this.sent++
      worker.postMessage({ op: 'open', id, url, headers, body } satisfies ToWorker)
    })
  }

  #start(now = false) {
    if (this.#worker || (!now && performance.now() - this.#startedAt < RESTART_MS)) return
    this.#startedAt = performance.now()
    // The worker module beside this one: .ts from source (the dev server, tests), .js built.
    const self = fileURLToPath(import.meta.url)
    const worker = new Worker(
      new URL(`./openrouter_stream_worker${extname(self)}`, import.meta.url)
    )
    worker.unref()
    this.#worker = worker
    worker.on('message', (records: unknown[] | 'ready') => {
      if (records === 'ready') this.#ready = this.#worker === worker
      else this.#receive(records)
    })
    let failure: Error | null = null
    worker.on('error', (error) => {
      // 'exit' follows: every call in flight fails there.
      failure = error
    })
    worker.once('exit', (code) => {
      if (this.#worker !== worker) return
      if (!this.#stopping) this.onFailure(failure, code)
      this.#worker = null
      this.#ready = false
      for (const [id] of this.#calls) this.#fail(id)
    })
  }

  /* Stops the worker (calls in flight fail as cut connections). */
  async stop() {
    const worker = this.#worker
    if (!worker) return
    this.#stopping = true
    try {
      await worker.terminate()
    } finally {
      this.#stopping = false
    }
  }

  #receive(records: unknown[]) {
    let at = 0
    while (at < records.length) {
      const op = records[at] as number
      const id = records[at + 1] as number
      const call = this.#calls.get(id)
      switch (op) {
        case WorkerOp.Head:
          if (call) {
            call.head = {
              status: records[at + 2] as number,
              statusText: records[at + 3] as string,
              headers: records[at + 4] as string[],
            }
          }
          at += 5
          break
        case WorkerOp.Text:
          if (call) this.#text(id, call, records[at + 2] as string)
          at += 3
          break
        case WorkerOp.End:
          if (call) this.#end(id, call, records[at + 2] as ChunkState)
          at += 3
          break
        case WorkerOp.Whole:
          if (call) {
            this.#forget(id, call)
            call.responded = true
            call.respond({
              kind: 'whole',
              head: {
                status: records[at + 2] as number,
                statusText: records[at + 3] as string,
                headers: records[at + 4] as string[],
              },
              body: records[at + 5] as Uint8Array,
            })
          }
          at += 6
          break
        case WorkerOp.Cut:
          if (call) {
            this.#forget(id, call)
            call.refuse(new RemoteBodyCutError('terminated'))
          }
          at += 2
          break
        case WorkerOp.Failed:
          if (call) {
            this.#forget(id, call)
            call.refuse(
              new RemoteRequestError(records[at + 3] as string, records[at + 2] as string | null)
            )
          }
          at += 4
          break
        default:
          // Not ours: a protocol mismatch would misread everything after it.
          throw new Error(`unknown provider stream record ${op}`)
      }
    }
  }

  #text(id: number, call: Call, text: string) {
    if (call.signal.aborted) return
    if (!call.responded) this.#respond(id, call)
    if (call.onText(text) === false) {
      // The answer hit its limit: let the connection go, outcome as read so far.
      this.#close(id)
      call.settle?.(unfinished())
    }
  }

  #end(id: number, call: Call, state: ChunkState) {
    this.#forget(id, call)
    if (!call.responded) this.#respond(id, call)
    call.settle?.({
      finishReason: state.finishReason,
      usage: state.usage,
      costUsd: state.costUsd,
      failure: state.failure,
    })
  }

  /* A 2xx event stream: the caller gets the reading, settled by End, abort or stop. */
  #respond(id: number, call: Call) {
    call.responded = true
    const reading = new Promise<RemoteOutcome>((resolve) => {
      call.settle = (outcome) => {
        if (!call.settle) return
        call.settle = null
        this.#forget(id, call)
        resolve(outcome)
      }
    })
    call.respond({ kind: 'stream', head: call.head!, reading, close: () => this.#close(id) })
  }

  /* Tells the worker to drop the call's connection; nothing more comes for it. */
  #close(id: number) {
    const call = this.#calls.get(id)
    if (call) this.#forget(id, call)
    this.#worker?.postMessage({ op: 'close', id } satisfies ToWorker)
  }

  /* The worker died: a call not yet answered fails as a dropped connection, a stream as a cut. */
  #fail(id: number) {
    const call = this.#calls.get(id)
    if (!call) return
    this.#forget(id, call)
    if (call.settle)
      call.settle({ ...unfinished(), finishReason: 'error', failure: { kind: 'cut' } })
    else if (!call.responded)
      call.refuse(new RemoteRequestError('other side closed', 'UND_ERR_SOCKET'))
  }

  #forget(id: number, call: Call) {
    this.#calls.delete(id)
    call.signal.removeEventListener('abort', call.onAbort)
  }
}

const unfinished = (): RemoteOutcome => ({
  finishReason: 'other',
  usage: null,
  costUsd: null,
  failure: null,
})
