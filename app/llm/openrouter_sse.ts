import type { IncomingMessage } from 'node:http'
import { JSONParseError, TypeValidationError } from 'ai'
import logger from '@adonisjs/core/services/logger'
import env from '#start/env'
import {
  isEventStream,
  newChunkState,
  providerRequest,
  readEventStream,
  type ChunkFailure,
} from '#llm/openrouter_chunks'
import {
  OpenRouterWorkerTransport,
  RemoteBodyCutError,
  RemoteRequestError,
  type RemoteOutcome,
} from '#llm/openrouter_worker_transport'

/*
|--------------------------------------------------------------------------
| OpenRouter's answer stream, read without the web-stream pipeline
|--------------------------------------------------------------------------
|
| Why: at a thousand concurrent answers every token is one server-sent event,
| and the AI SDK hands each one through Node's fetch body (a web byte stream),
| TextDecoderStream, EventSourceParserStream, a JSON TransformStream, the
| provider's error-catching ReadableStream and its own TransformStream, with
| a zod validation of the whole chunk on the way: measured at ~54 µs of CPU
| per event against ~13 µs for node:http plus the parsing below (tmp
| microbenchmark, 300 streams x 300 tokens at 50 tokens/s from the emulator in
| another process), and ~50% of the server's CPU in the `streams` profile.
|
| What stays with the AI SDK: the provider (`createOpenRouter(...).chat()`)
| still builds and sends the request (body, headers, key) through the `fetch`
| given to it here, and every answer that is not a 2xx event stream (401,
| 402, 429, 5xx, a JSON body) goes back to it unread, so its errors are the
| SDK's own APICallErrors. Only a 2xx `text/event-stream` body of a call
| registered with `expectSseBody` (the streaming answers of answer_stream.ts;
| titles, key checks and anything else use the global fetch untouched) is
| kept here and read by `readOpenRouterSse`, which gives what the provider's
| doStream would have: the text deltas, the finish reason mapped the same way,
| the usage totals, and an error for an in-stream error chunk, a chunk that is
| not JSON or not a chunk, and a connection cut mid-answer (the same error
| shapes Node's fetch reports, so the classifier and the stale-connection
| retry see what they always saw). The SDK's own stream gets an empty body and
| is cancelled. While many answers stream, the request is sent and its stream
| read in a worker thread instead (openrouter_worker_transport.ts), with the
| same chunk reading (openrouter_chunks.ts).
| tests/unit/llm/openrouter_sse.spec.ts runs the same scripts through the
| SDK, the event loop and the worker and expects the same outcome.
*/

export interface SseOutcome {
  finishReason: string | null
  usage: { inputTokens: number; outputTokens: number } | null
  /* What the provider charged (USD), when it reports it. */
  costUsd: number | null
  streamError: unknown
}

export type SseReader = (
  body: IncomingMessage,
  signal: AbortSignal,
  onText: (text: string) => boolean | void
) => Promise<SseOutcome>

/*
| Streaming answers read by the worker thread while at least this many
| stream (OPENROUTER_STREAM_WORKER_FROM; 0: always, once the worker is up).
*/
const DEFAULT_WORKER_FROM = 16
export const streamWorker = new OpenRouterWorkerTransport(
  env.get('OPENROUTER_STREAM_WORKER_FROM') ?? DEFAULT_WORKER_FROM,
  (error, code) =>
    logger.warn(
      { err: error ?? undefined, code },
      'provider stream worker stopped: streams are read on the event loop until it restarts'
    )
)

/* Event streams being read now, on the event loop or in the worker. */
let streaming = 0
const counted = <T>(reading: Promise<T>): Promise<T> => {
  streaming++
  return reading.finally(() => streaming--)
}

/*
| A streaming call that asked for its body. The provider's fetch starts
| reading a 2xx event stream the moment its headers arrive: the first token
| goes to `onText` while the SDK is still building the (empty) stream it
| returns, ~0.4 ms of web-stream setup the first token no longer waits for
| (ttft bench marks). The caller then takes the reading's outcome.
*/
export class SseHandoff {
  #reading: Promise<SseOutcome> | null = null
  #cancel: (() => void) | null = null
  constructor(
    readonly signal: AbortSignal,
    readonly onText: (text: string) => boolean | void
  ) {}

  /*
  | Reads `body` from now on; settles once its first chunk was handled (or it
  | closed). The provider's fetch answers only then: the SDK's stream setup
  | runs in microtasks, and run right at the headers it kept the loop from
  | reading the first token's packet for ~0.5 ms (ttft bench marks).
  */
  start(body: IncomingMessage): Promise<void> {
    this.#cancel = () => body.destroy()
    this.#reading = counted(readOpenRouterSse(body, this.signal, this.onText))
    return new Promise<void>((resolve) => {
      const handled = () => {
        body.off('data', handled)
        body.off('close', handled)
        resolve()
      }
      // After the reader's own listener: the first chunk is parsed and handed on first.
      body.on('data', handled)
      body.once('close', handled)
    })
  }

  /* A stream the worker reads (its first delta was handed on already). */
  adopt(reading: Promise<RemoteOutcome>, close: () => void) {
    this.#cancel = close
    this.#reading = counted(reading.then(outcomeOfRemote))
  }

  /* The reading of the kept body, once; null when the call did not end in an event stream. */
  take(): Promise<SseOutcome> | null {
    const reading = this.#reading
    this.#cancel = null
    this.#reading = null
    return reading
  }

  /* A body whose call failed after the response anyway: its connection is let go. */
  discard() {
    this.#cancel?.()
    this.#cancel = null
    this.#reading = null
  }
}

const expected = new WeakMap<AbortSignal, SseHandoff>()

/* Registers the next request sent with `signal` as one whose event-stream body we read. */
export function expectSseBody(
  signal: AbortSignal,
  onText: (text: string) => boolean | void
): SseHandoff {
  const handoff = new SseHandoff(signal, onText)
  expected.set(signal, handoff)
  return handoff
}

/*
| The `fetch` given to the OpenRouter provider. A call nobody registered goes
| to the global fetch as is. A registered one is sent with node:http(s) (here
| or from the worker); a 2xx event stream is handed over and the provider
| gets an empty body; any other answer is read whole and handed to the
| provider as a normal Response.
*/
export const openRouterFetch: typeof fetch = async (input, init) => {
  const signal = init?.signal ?? undefined
  const handoff = signal ? expected.get(signal) : undefined
  if (!handoff || !signal || init?.method !== 'POST' || typeof init.body !== 'string') {
    return globalThis.fetch(input, init)
  }
  expected.delete(signal)
  const url = new URL(input instanceof Request ? input.url : String(input))
  const headers = plainHeaders(init.headers)
  headers['content-length'] = String(Buffer.byteLength(init.body))

  if (streamWorker.accepts(streaming)) {
    return sendFromWorker(url, headers, init.body, signal, handoff)
  }
  const response = await send(url, headers, init.body, signal)
  const responseHeaders = new Headers()
  for (const [name, value] of Object.entries(response.headers)) {
    if (Array.isArray(value)) for (const item of value) responseHeaders.append(name, item)
    else if (value !== undefined) responseHeaders.set(name, value)
  }
  const status = response.statusCode ?? 0
  const init2 = { status, statusText: response.statusMessage ?? '', headers: responseHeaders }
  if (isEventStream(response)) {
    await handoff.start(response)
    return new Response('', init2)
  }
  const body = await readWhole(response, signal)
  return new Response(status === 204 || status === 304 ? null : body, init2)
}

/*
| The request's headers as node:http takes them. The provider hands a plain
| object it built from a Headers (names lowercased, values checked): copied as
| is; any other shape goes through Headers.
*/
function plainHeaders(given: RequestInit['headers']): Record<string, string> {
  const headers: Record<string, string> = {}
  if (given && !Array.isArray(given) && !(given instanceof Headers)) {
    for (const name of Object.keys(given)) headers[name.toLowerCase()] = String(given[name])
    return headers
  }
  new Headers(given).forEach((value, name) => (headers[name] = value))
  return headers
}

async function sendFromWorker(
  url: URL,
  headers: Record<string, string>,
  body: string,
  signal: AbortSignal,
  handoff: SseHandoff
): Promise<Response> {
  let remote
  try {
    remote = await streamWorker.send(url.href, headers, body, signal, handoff.onText)
  } catch (error) {
    if (error instanceof RemoteRequestError) {
      throw fetchFailed(Object.assign(new Error(error.message), { code: error.code ?? undefined }))
    }
    if (error instanceof RemoteBodyCutError) throw terminated()
    throw error
  }
  const responseHeaders = new Headers()
  const pairs = remote.head.headers
  for (let i = 0; i + 1 < pairs.length; i += 2) responseHeaders.append(pairs[i], pairs[i + 1])
  const { status, statusText } = remote.head
  const init = { status, statusText, headers: responseHeaders }
  if (remote.kind === 'stream') {
    handoff.adopt(remote.reading, remote.close)
    return new Response('', init)
  }
  const whole = new Uint8Array(remote.body)
  return new Response(status === 204 || status === 304 ? null : whole, init)
}

function send(url: URL, headers: Record<string, string>, body: string, signal: AbortSignal) {
  return new Promise<IncomingMessage>((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason)
    const req = providerRequest(url, headers)
    const onAbort = () => {
      req.destroy()
      reject(signal.reason)
    }
    signal.addEventListener('abort', onAbort, { once: true })
    req.once('response', (response) => {
      signal.removeEventListener('abort', onAbort)
      resolve(response)
    })
    req.once('error', (error) => {
      signal.removeEventListener('abort', onAbort)
      reject(fetchFailed(error))
    })
    req.end(body)
  })
}

function readWhole(response: IncomingMessage, signal: AbortSignal) {
  return new Promise<Uint8Array<ArrayBuffer>>((resolve, reject) => {
    const chunks: Buffer[] = []
    const onAbort = () => {
      response.destroy()
      reject(signal.reason)
    }
    signal.addEventListener('abort', onAbort, { once: true })
    response.on('data', (chunk: Buffer) => chunks.push(chunk))
    response.once('end', () => {
      signal.removeEventListener('abort', onAbort)
      resolve(new Uint8Array(Buffer.concat(chunks)))
    })
    response.once('close', () => {
      signal.removeEventListener('abort', onAbort)
      if (!response.complete) reject(terminated())
    })
  })
}

/*
| Node's fetch (undici) reports a connection closed before the response as
| TypeError "fetch failed" caused by SocketError "other side closed"
| (UND_ERR_SOCKET), and one closed mid-body as TypeError "terminated" with the
| same cause; node:http says "socket hang up" / "aborted" (ECONNRESET). The
| provider wraps the first in "Cannot connect to API", the stale-connection
| retry and the failure classifier know these shapes: keep them.
*/
function socketClosed() {
  return Object.assign(new Error('other side closed'), {
    name: 'SocketError',
    code: 'UND_ERR_SOCKET',
  })
}

function fetchFailed(error: Error & { code?: string }) {
  const closed =
    (error.code === 'ECONNRESET' && /socket hang up/i.test(error.message)) ||
    error.code === 'UND_ERR_SOCKET'
  return new TypeError('fetch failed', { cause: closed ? socketClosed() : error })
}

function terminated() {
  return new TypeError('terminated', { cause: socketClosed() })
}

/* The error the provider's stream would have reported for this failure. */
function failureError(failure: ChunkFailure): unknown {
  switch (failure.kind) {
    case 'json':
      return new JSONParseError({ text: failure.text, cause: new SyntaxError(failure.message) })
    case 'type':
      return new TypeValidationError({
        value: failure.value,
        cause: new Error('not an OpenRouter stream chunk'),
      })
    case 'chunk':
      return failure.error
    case 'cut':
      return terminated()
  }
}

function outcomeOfRemote(remote: RemoteOutcome): SseOutcome {
  if (remote.aborted) {
    return {
      finishReason: 'error',
      usage: remote.usage,
      costUsd: remote.costUsd,
      streamError: remote.aborted.reason,
    }
  }
  return {
    finishReason: remote.finishReason,
    usage: remote.usage,
    costUsd: remote.costUsd,
    streamError: remote.failure ? failureError(remote.failure) : null,
  }
}

/*
| Reads one OpenRouter Chat Completions event stream to its end. Resolves
| with the outcome (never rejects): an abort resolves with its reason as the
| stream error, as the provider's stream ends on one; `onText` returning
| false stops reading and lets the connection go.
*/
export const readOpenRouterSse: SseReader = (body, signal, onText) => {
  const state = newChunkState()
  return new Promise<SseOutcome>((resolve) => {
    let settled = false
    const finish = (error?: unknown) => {
      if (settled) return
      settled = true
      signal.removeEventListener('abort', onAbort)
      if (error !== undefined) {
        resolve({
          finishReason: 'error',
          usage: state.usage,
          costUsd: state.costUsd,
          streamError: error,
        })
        return
      }
      resolve({
        finishReason: state.finishReason,
        usage: state.usage,
        costUsd: state.costUsd,
        streamError: state.failure ? failureError(state.failure) : null,
      })
    }
    const onAbort = () => {
      finish(signal.reason)
      body.destroy()
    }
    if (signal.aborted) return onAbort()
    signal.addEventListener('abort', onAbort, { once: true })

    readEventStream(body, state, onText, () => finish())
  })
}
