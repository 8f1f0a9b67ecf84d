import {
  APICallError,
  streamText,
  type LanguageModel,
  type LanguageModelUsage,
  type ModelMessage,
} from 'ai'
import type { Usage } from '#shared/livestore/schema'
import { expectSseBody, type SseHandoff } from '#llm/openrouter_sse'
import { aliveSignal } from '#llm/alive_signal'
import { openRouterCharge } from '#llm/openrouter_chunks'

/* The provider specification's types, as `ai` exposes them (no direct dependency on @ai-sdk/provider). */
type LanguageModelV3 = Extract<LanguageModel, { specificationVersion: 'v3' }>
type LanguageModelV3Prompt = Parameters<LanguageModelV3['doStream']>[0]['prompt']
type LanguageModelV3StreamPart =
  Awaited<ReturnType<LanguageModelV3['doStream']>>['stream'] extends ReadableStream<infer Part>
    ? Part
    : never

export interface AnswerRequest {
  system: string | undefined
  messages: ModelMessage[]
  temperature: number | undefined
  abortSignal: AbortSignal
}

export interface AnswerOutcome {
  /* The unified finish reason ('stop', 'length', 'content-filter', ...), null without one. */
  finishReason: string | null
  usage: Usage | null
  /* What the provider charged for the answer (USD), when it reports it (OpenRouter does). */
  costUsd: number | null
  /* An error the provider reported inside the stream (the stream itself ended normally). */
  streamError: unknown
}

/*
| The text deltas of one answer, handed to `onText` as they arrive; `onText`
| returning false ends the stream early (the answer hit its length limit).
| An empty delta ('') now and then: the model is working without text yet
| (reasoning; see #llm/alive_signal); what `onText` returns for it is ignored.
| Throws what the provider call throws (HTTP refusals, a dropped connection,
| an abort), as streamText's fullStream would report it.
|
| Why not streamText: at a thousand concurrent answers every delta counts.
| streamText runs each delta through several more web TransformStreams
| (steps, tools, telemetry, stitching) that a plain text answer does not use:
| measured at about 68 µs of CPU per delta against 26 µs for the provider's
| own stream (tmp benchmark against the emulator, 1,000 streams x 100 tokens).
| So a text-only prompt goes straight to the model's doStream; anything else
| (a model given by id, an older spec, non-text content) still goes through
| streamText.
*/
export async function streamAnswer(
  language: LanguageModel,
  request: AnswerRequest,
  onText: (text: string) => boolean | void
): Promise<AnswerOutcome> {
  const prompt = typeof language === 'object' ? directPrompt(request) : null
  if (prompt && typeof language === 'object' && language.specificationVersion === 'v3') {
    return streamDirect(language, prompt, request, onText)
  }
  return streamThroughSdk(language, request, onText)
}

async function streamDirect(
  model: LanguageModelV3,
  prompt: LanguageModelV3Prompt,
  request: AnswerRequest,
  onText: (text: string) => boolean | void
): Promise<AnswerOutcome> {
  const outcome: AnswerOutcome = {
    finishReason: null,
    usage: null,
    costUsd: null,
    streamError: null,
  }
  // A provider whose fetch can hand its event stream over (OpenRouter's): read here, see
  // openrouter_sse.ts. The request, and any answer but a 2xx event stream, stay the SDK's.
  let handoff: SseHandoff | null = null
  let stream: ReadableStream<LanguageModelV3StreamPart>
  try {
    ;({ stream } = await connect(() => {
      handoff = expectSseBody(request.abortSignal, onText)
      return model.doStream({
        prompt,
        temperature: request.temperature,
        abortSignal: request.abortSignal,
        includeRawChunks: false,
      })
    }))
  } catch (error) {
    ;(handoff as SseHandoff | null)?.discard()
    throw error
  }
  const reading = (handoff as SseHandoff | null)?.take()
  if (reading) {
    // The provider's own stream got an empty body: nothing to read there.
    void stream.cancel().catch(() => {})
    return reading
  }
  const reader = stream.getReader()
  const alive = aliveSignal(onText)
  let stopped = false
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      const part: LanguageModelV3StreamPart = value
      if (part.type === 'text-delta') {
        if (part.delta && onText(part.delta) === false) {
          stopped = true
          break
        }
      } else if (part.type === 'finish') {
        // An object { unified, raw } in this specification; a plain string in older ones.
        const reason = part.finishReason as { unified?: string } | string | undefined
        outcome.finishReason = (typeof reason === 'string' ? reason : reason?.unified) ?? null
        outcome.usage = usageOfV3(part.usage)
        outcome.costUsd = costOf(part.providerMetadata)
      } else if (part.type === 'error') {
        outcome.streamError = part.error
      } else {
        // Reasoning and other parts: no text, but the model is working.
        alive()
      }
    }
  } finally {
    // Ended early: let the provider's request go (the run aborts it too).
    if (stopped) void reader.cancel().catch(() => {})
    reader.releaseLock()
  }
  return outcome
}

async function streamThroughSdk(
  language: LanguageModel,
  request: AnswerRequest,
  onText: (text: string) => boolean | void
): Promise<AnswerOutcome> {
  const outcome: AnswerOutcome = {
    finishReason: null,
    usage: null,
    costUsd: null,
    streamError: null,
  }
  const result = streamText({
    model: language,
    system: request.system,
    messages: request.messages,
    temperature: request.temperature,
    abortSignal: request.abortSignal,
    maxRetries: 0,
    // Errors arrive as 'error' parts below; the default handler would log them unscrubbed.
    onError: () => {},
  })
  const alive = aliveSignal(onText)
  for await (const part of result.fullStream) {
    if (part.type === 'text-delta') {
      if (part.text && onText(part.text) === false) break
    } else if (part.type === 'finish') {
      outcome.finishReason = part.finishReason ?? null
      outcome.usage = usageOf(part.totalUsage)
    } else if (part.type === 'finish-step') {
      outcome.costUsd = costOf(part.providerMetadata)
    } else if (part.type === 'error') {
      outcome.streamError = part.error
    } else {
      alive()
    }
  }
  return outcome
}

/*
| A request sent on a pooled keep-alive connection that the provider closed
| while it sat idle fails before a single response byte ("other side closed"):
| the two ends raced, the provider never read the request. It is sent again,
| once, on a fresh connection. Nothing else is retried here: a refusal, a
| refused connection or a cut mid-answer end the answer with their reason.
*/
async function connect<T>(call: () => PromiseLike<T>): Promise<T> {
  try {
    return await call()
  } catch (error) {
    if (!isStaleConnection(error)) throw error
    return await call()
  }
}

export function isStaleConnection(error: unknown): boolean {
  if (!APICallError.isInstance(error) || error.statusCode !== undefined) return false
  let cause: unknown = error.cause
  for (let depth = 0; cause && depth < 4; depth++) {
    const { code, message } = cause as { code?: unknown; message?: unknown }
    if (code === 'UND_ERR_SOCKET' || code === 'ECONNRESET' || code === 'EPIPE') return true
    if (typeof message === 'string' && /other side closed/i.test(message)) return true
    cause = (cause as { cause?: unknown }).cause
  }
  return false
}

/* The prompt in the model's own shape, when every message is plain text. */
function directPrompt(request: AnswerRequest): LanguageModelV3Prompt | null {
  const prompt: LanguageModelV3Prompt = []
  if (request.system !== undefined) prompt.push({ role: 'system', content: request.system })
  for (const message of request.messages) {
    if (typeof message.content !== 'string') return null
    if (message.role === 'user') {
      prompt.push({ role: 'user', content: [{ type: 'text', text: message.content }] })
    } else if (message.role === 'assistant') {
      prompt.push({ role: 'assistant', content: [{ type: 'text', text: message.content }] })
    } else {
      return null
    }
  }
  return prompt
}

/* OpenRouter's charge for the call, as its provider passes it on (providerMetadata.openrouter.usage). */
function costOf(metadata: unknown): number | null {
  const usage = (
    metadata as
      | {
          openrouter?: {
            usage?: { cost?: unknown; costDetails?: { upstreamInferenceCost?: unknown } }
          }
        }
      | undefined
  )?.openrouter?.usage
  return openRouterCharge(usage?.cost, usage?.costDetails?.upstreamInferenceCost)
}

function usageOfV3(usage: {
  inputTokens?: { total?: number }
  outputTokens?: { total?: number }
}): Usage | null {
  const input = usage?.inputTokens?.total
  const output = usage?.outputTokens?.total
  if (input === undefined && output === undefined) return null
  return { inputTokens: input ?? 0, outputTokens: output ?? 0 }
}

function usageOf(usage: LanguageModelUsage | undefined): Usage | null {
  if (!usage || (usage.inputTokens === undefined && usage.outputTokens === undefined)) return null
  return { inputTokens: usage.inputTokens ?? 0, outputTokens: usage.outputTokens ?? 0 }
}
