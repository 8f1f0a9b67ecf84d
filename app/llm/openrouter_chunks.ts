import { aliveSignal } from '#llm/alive_signal'
import {
  request as httpRequest,
  Agent as HttpAgent,
  type ClientRequest,
  type IncomingMessage,
} from 'node:http'
import { request as httpsRequest, Agent as HttpsAgent } from 'node:https'
import { createParser } from 'eventsource-parser'

/*
| One OpenRouter Chat Completions stream on the wire: the request, and each
| chunk (the `data` of one server-sent event) read as
| @openrouter/ai-sdk-provider's doStream reads it: the text delta, the
| finish reason mapped to the unified one, the usage totals, and a failure
| for a chunk that is not JSON, not a chunk, an error chunk, or a cut.
|
| The same code runs on the event loop (openrouter_sse.ts) and in the
| provider-stream worker (openrouter_stream_worker.ts). The state is plain
| data (no class instances), as the worker's results cross a MessagePort;
| openrouter_sse.ts turns a failure into the error the SDK would report.
*/

export type ChunkFailure =
  | { kind: 'json'; text: string; message: string }
  | { kind: 'type'; value: unknown }
  | { kind: 'chunk'; error: unknown }
  /* The connection closed before the stream's end. */
  | { kind: 'cut' }

export interface ChunkState {
  finishReason: string
  usage: { inputTokens: number; outputTokens: number } | null
  /* What OpenRouter charged for the answer (usage.cost, in USD), when it says. */
  costUsd: number | null
  failure: ChunkFailure | null
}

export const newChunkState = (): ChunkState => ({
  finishReason: 'other',
  usage: null,
  costUsd: null,
  failure: null,
})

/* @openrouter/ai-sdk-provider's mapping of finish_reason to the unified reason. */
function unifiedFinishReason(reason: unknown): string {
  switch (reason) {
    case 'stop':
      return 'stop'
    case 'length':
      return 'length'
    case 'content_filter':
      return 'content-filter'
    case 'function_call':
    case 'tool_calls':
      return 'tool-calls'
    default:
      return 'other'
  }
}

/* The provider-utils secure parse: a chunk naming __proto__ (or constructor.prototype) is refused. */
const SUSPECT_PROTO =
  /"(?:_|\\u005[Ff])(?:_|\\u005[Ff])(?:p|\\u0070)(?:r|\\u0072)(?:o|\\u006[Ff])(?:t|\\u0074)(?:o|\\u006[Ff])(?:_|\\u005[Ff])(?:_|\\u005[Ff])"\s*:/
const SUSPECT_CONSTRUCTOR =
  /"(?:c|\\u0063)(?:o|\\u006[Ff])(?:n|\\u006[Ee])(?:s|\\u0073)(?:t|\\u0074)(?:r|\\u0072)(?:u|\\u0075)(?:c|\\u0063)(?:t|\\u0074)(?:o|\\u006[Ff])(?:r|\\u0072)"\s*:/

function parseChunk(text: string): unknown {
  const value = JSON.parse(text)
  if (value === null || typeof value !== 'object') return value
  // Nearly every chunk names neither (nor escapes a letter): no need for the two regexes.
  if (!text.includes('\\u') && !text.includes('__proto__') && !text.includes('constructor')) {
    return value
  }
  if (!SUSPECT_PROTO.test(text) && !SUSPECT_CONSTRUCTOR.test(text)) return value
  let next: object[] = [value]
  while (next.length) {
    const nodes = next
    next = []
    for (const node of nodes) {
      const ctor = (node as { constructor?: unknown }).constructor
      if (
        Object.hasOwn(node, '__proto__') ||
        (Object.hasOwn(node, 'constructor') &&
          ctor !== null &&
          typeof ctor === 'object' &&
          Object.hasOwn(ctor, 'prototype'))
      ) {
        throw new SyntaxError('Object contains forbidden prototype property')
      }
      for (const key in node) {
        const item = (node as Record<string, unknown>)[key]
        if (item && typeof item === 'object') next.push(item)
      }
    }
  }
  return value
}

const isRecord = (value: unknown): value is Record<string, any> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/*
| One chunk as the provider reads it: an error chunk ({ error: { message } }),
| or a completion chunk whose `choices` is an array; anything else fails the
| provider's schema (a TypeValidationError part, finish reason 'error').
*/
function validated(value: unknown): { error: unknown } | { chunk: Record<string, any> } | null {
  if (!isRecord(value)) return null
  if (Array.isArray(value.choices)) {
    for (const choice of value.choices) {
      if (!isRecord(choice)) return null
      const delta = choice.delta
      if (delta !== undefined && delta !== null && !isRecord(delta)) return null
      const content = delta?.content
      if (content !== undefined && content !== null && typeof content !== 'string') return null
    }
    return { chunk: value }
  }
  if (isRecord(value.error) && typeof value.error.message === 'string') {
    const { code = null, type = null, param = null } = value.error
    return { error: { ...value.error, code, type, param } }
  }
  return null
}

/*
| Reads one event's data into `state`; returns its text delta ('' when it
| has none). A failure does not end the stream, as in the provider: later
| chunks are still read.
*/
export function readChunkData(data: string, state: ChunkState): string {
  if (data === '[DONE]') return ''
  let value: unknown
  try {
    value = parseChunk(data)
  } catch (cause) {
    state.finishReason = 'error'
    state.failure = { kind: 'json', text: data, message: (cause as Error).message }
    return ''
  }
  const checked = validated(value)
  if (checked === null) {
    state.finishReason = 'error'
    state.failure = { kind: 'type', value }
    return ''
  }
  if ('error' in checked) {
    state.finishReason = 'error'
    state.failure = { kind: 'chunk', error: checked.error }
    return ''
  }
  const { chunk } = checked
  if (chunk.usage !== null && chunk.usage !== undefined) {
    state.usage = {
      inputTokens: chunk.usage.prompt_tokens ?? 0,
      outputTokens: chunk.usage.completion_tokens ?? 0,
    }
    const charge = openRouterCharge(
      chunk.usage.cost,
      chunk.usage.cost_details?.upstream_inference_cost
    )
    if (charge !== null) state.costUsd = charge
  }
  const choice = chunk.choices[0]
  if (choice?.finish_reason !== null && choice?.finish_reason !== undefined) {
    state.finishReason = unifiedFinishReason(choice.finish_reason)
  }
  const text = choice?.delta?.content
  return typeof text === 'string' ? text : ''
}

/* A cost the provider reported, if it is a plausible one (USD; above this, the catalog price is used). */
const MAX_REPORTED_USD = 10_000

function reportedCost(value: unknown): number | null {
  return typeof value === 'number' &&
    Number.isFinite(value) &&
    value >= 0 &&
    value <= MAX_REPORTED_USD
    ? value
    : null
}

/*
| What an OpenRouter call cost, from its usage: `cost` is what OpenRouter
| charged. With the account's own provider key (OpenRouter's BYOK) that is
| only its fee, a few percent of `upstream_inference_cost`, which the
| provider charged on top; otherwise `upstream_inference_cost` is part of
| `cost`. The stream path sees `is_byok` but the SDK's metadata does not, so
| both tell the cases apart the same way: an upstream cost above the charge
| is a BYOK call's.
*/
export function openRouterCharge(cost: unknown, upstream: unknown): number | null {
  const charged = reportedCost(cost)
  if (charged === null) return null
  const upstreamCost = reportedCost(upstream)
  return upstreamCost !== null && upstreamCost > charged ? charged + upstreamCost : charged
}

/* Keep-alive pools as Node's fetch keeps them (no limit per origin), one per thread. */
const agents = {
  http: new HttpAgent({ keepAlive: true, maxSockets: Infinity }),
  https: new HttpsAgent({ keepAlive: true, maxSockets: Infinity }),
}

/* The streaming call's POST, on this thread's keep-alive pool (the caller ends it with the body). */
export function providerRequest(url: URL, headers: Record<string, string>): ClientRequest {
  const secure = url.protocol === 'https:'
  return (secure ? httpsRequest : httpRequest)(url, {
    method: 'POST',
    headers,
    agent: secure ? agents.https : agents.http,
  })
}

/* A 2xx `text/event-stream` answer: the one kind read as a stream; any other is read whole. */
export function isEventStream(response: IncomingMessage): boolean {
  const status = response.statusCode ?? 0
  return (
    status >= 200 &&
    status < 300 &&
    /^text\/event-stream\b/i.test(response.headers['content-type'] ?? '')
  )
}

/*
| Reads an event stream's chunks into `state`, handing each text delta to
| `onText` (false: stop reading and let the connection go). `onEnd` runs
| once: when the stream ends, stops, or is cut (the connection closed before
| its end: state.failure is then a cut). Events are parsed as the SDK parses
| them (the same library), minus the web streams.
*/
export function readEventStream(
  body: IncomingMessage,
  state: ChunkState,
  onText: (text: string) => boolean | void,
  onEnd: () => void
) {
  let ended = false
  const end = (cut: boolean) => {
    if (ended) return
    ended = true
    if (cut) {
      state.finishReason = 'error'
      state.failure = { kind: 'cut' }
    }
    onEnd()
  }
  // Bytes with no text in them (reasoning, keep-alive comments) still show the provider is working.
  const alive = aliveSignal(onText)
  let spoke = false
  const parser = createParser({
    onEvent: (event) => {
      if (ended) return
      const text = readChunkData(event.data, state)
      if (!text) return
      spoke = true
      if (onText(text) !== false) return
      end(false)
      body.destroy()
    },
  })
  body.setEncoding('utf8')
  body.on('data', (chunk: string) => {
    if (ended) return
    spoke = false
    parser.feed(chunk)
    if (!spoke && !ended) alive()
  })
  body.once('end', () => end(false))
  body.once('close', () => end(!body.complete))
  body.once('error', () => {
    // 'close' follows and tells a cut from an end.
  })
}
