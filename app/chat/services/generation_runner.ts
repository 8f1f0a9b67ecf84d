import { inject } from '@adonisjs/core'
import logger from '@adonisjs/core/services/logger'
import type { LanguageModel } from 'ai'
import type { ServerEventInput } from '#sync/services/sync_service'
import {
  classifyFinishReason,
  classifyProviderError,
  LlmStalledError,
  LlmTimeoutError,
  type LlmFailure,
} from '#llm/provider_errors'
import { LIMITS, type FinalMessageStatus, type Usage } from '#shared/livestore/schema'
import { PROVIDER_LABELS, type CatalogModel } from '#catalog/catalog_types'
import type { ResolvedKey } from '#keys/services/key_resolver'
import { GenerationRegistry, type Generation } from '#chat/services/generation_registry'
import GenerationSettings from '#chat/services/generation_settings'
import { ConversationPath } from '#chat/services/conversation_path'
import { buildPrompt } from '#chat/services/prompt_builder'
import ChatTitleService from '#chat/services/chat_title_service'
import { GenerationEventWriter } from '#chat/services/generation_event_writer'
import { streamAnswer } from '#chat/services/answer_stream'
import { TurnGate } from '#core/turn_gate'

export interface RunInput {
  model: CatalogModel
  key: ResolvedKey
  language: LanguageModel
  systemPrompt: string | null
  temperature: number | null
  /* The answered message is the chat's first: an automatic title may follow. */
  firstExchange: boolean
}

/*
| Micro-dollars: what the provider says it charged when it says so
| (OpenRouter's usage.cost: its routing picks among upstream prices, and
| cached or reasoning tokens are billed their own way), else the catalog
| price (dollars per million tokens = micro-dollars per token) times tokens.
*/
export function costMicros(
  model: CatalogModel,
  usage: Usage | null,
  reportedUsd: number | null = null
): number | null {
  if (reportedUsd !== null) return Math.round(reportedUsd * 1_000_000)
  const input = model.capabilities.input_price_per_million
  const output = model.capabilities.output_price_per_million
  if (!usage || input === null || output === null) return null
  return Math.max(0, Math.round(usage.inputTokens * input + usage.outputTokens * output))
}

/*
| Each answer's factor on the checkpoint interval: 1 plus up to a quarter at
| random, so answers started together (a burst of replies) drift apart
| instead of all checkpointing in the same tick, and never more often than
| the interval.
*/
const checkpointJitter = () => 1 + Math.random() / 4

/*
| Checkpoints a second for the whole process, beyond which each answer's
| interval stretches: `checkpointMs` (2 s) up to 400 running answers, then
| longer (1,000 answers: 5 s). A checkpoint is the whole text so far, written
| to the sync log and the message row: at a thousand answers, checkpoints
| every 2 s were a quarter of the server's CPU (the streams profile). The
| interval stays a lower bound ("at most one per 2 s"); what a longer one
| costs is a longer tail kept in memory for re-attaching tabs, and more text
| to lose if the process dies.
*/
const CHECKPOINTS_PER_S = 200
const checkpointInterval = (intervalMs: number, running: number) =>
  Math.max(intervalMs, (running / CHECKPOINTS_PER_S) * 1000)

/*
| Provider calls started per turn of the event loop: 50, or fewer once 10 ms
| went by (TurnGate): the time budget is what keeps a burst from holding the
| loop. A count of 10 throttled a burst of 1,000 replies to 10 calls a turn
| while a turn full of streaming answers lasts tens of ms: the last answers'
| first tokens came ~12 s after their replies were accepted.
*/
const providerCalls = new TurnGate(50, 10)

/*
| One answer, from the first provider byte to the Finished event. Durable
| events go through the sync server in order (Started, checkpoints at most
| every `checkpointMs`, Finished), coalesced with other answers' events by
| GenerationEventWriter; deltas go to the registry, which hands them to the
| /live subscribers. Every way out (done, stop, provider failure, stall,
| timeout, shutdown) ends with exactly one Finished event that keeps the
| text so far.
*/
@inject()
export default class GenerationRunner {
  constructor(
    protected events: GenerationEventWriter,
    protected registry: GenerationRegistry,
    protected settings: GenerationSettings,
    protected path: ConversationPath,
    protected titles: ChatTitleService
  ) {}

  async run(generation: Generation, input: RunInput): Promise<FinalMessageStatus> {
    /*
    | The generation's durable events, in order (the writer keeps each user's
    | events in order), appended by the writer a turn of the event loop later.
    */
    const emit = (event: ServerEventInput) => {
      const stored = this.events.write(generation.userId, event)
      stored.catch((error) => {
        logger.error({ err: error, messageId: generation.messageId }, 'generation event not stored')
      })
      return stored
    }
    const started = new StartedEvent(() => {
      const release = this.events.hold(generation.userId)
      emit({
        name: 'v1.AssistantMessageStarted',
        args: {
          id: generation.messageId,
          chatId: generation.chatId,
          parentId: generation.parentId,
          model: generation.modelId,
          createdAt: Date.now(),
        },
      })
      return release
    })
    try {
      return await this.#run(generation, input, emit, started)
    } finally {
      started.write()
      started.release()
    }
  }

  async #run(
    generation: Generation,
    input: RunInput,
    emit: (event: ServerEventInput) => Promise<void>,
    started: StartedEvent
  ): Promise<FinalMessageStatus> {
    const { controller } = generation

    let failureCause: Error | null = null
    let lastActivity = performance.now()
    const stallCheck = Math.max(10, Math.min(1_000, Math.floor(this.settings.stallMs / 4)))
    const watchdog = setInterval(() => {
      const silent = performance.now() - lastActivity
      if (silent >= this.settings.stallMs && !controller.signal.aborted) {
        failureCause = new LlmStalledError(silent)
        controller.abort(failureCause)
      }
    }, stallCheck)
    const deadline = setTimeout(() => {
      if (controller.signal.aborted) return
      failureCause = new LlmTimeoutError(this.settings.timeoutMs)
      controller.abort(failureCause)
    }, this.settings.timeoutMs)

    let streamError: unknown = null
    let finishReason: string | null = null
    let usage: Usage | null = null
    let reportedCostUsd: number | null = null
    let truncated = false
    /* Where the prompt was cut to the context window (null: the whole path was sent). */
    let contextStartId: string | null = null
    /*
    | Due once the interval for the number of answers running now has passed
    | (times this answer's own jitter): an answer started early in a burst
    | stretches as the burst grows, instead of keeping the 2 s it saw alone
    | and checkpointing with every other early one in the same second.
    */
    const jitter = checkpointJitter()
    let lastCheckpointAt = performance.now()
    const checkpointDue = (now: number) =>
      now - lastCheckpointAt >=
      checkpointInterval(this.settings.checkpointMs, this.registry.size) * jitter

    try {
      const path = await this.path.load(generation.chatId, generation.parentId)
      const prompt = buildPrompt(path, {
        contextLength: input.model.capabilities.context_length,
        systemPrompt: input.systemPrompt,
      })
      contextStartId = prompt.contextStartId
      await providerCalls.enter()
      const outcome = await streamAnswer(
        input.language,
        {
          system: prompt.system,
          messages: prompt.messages,
          temperature: input.temperature ?? undefined,
          abortSignal: controller.signal,
        },
        (delta) => {
          lastActivity = performance.now()
          // '' : the provider is alive but has no text yet (a model reasoning).
          if (!delta) return
          let text = delta
          const room = LIMITS.assistantMessageText - generation.text.length
          if (text.length > room) {
            text = text.slice(0, room)
            truncated = true
          }
          if (text) this.registry.pushToken(generation, text)
          started.soon()
          if (truncated) {
            controller.abort('length')
            return false
          }
          if (checkpointDue(lastActivity)) {
            started.write()
            lastCheckpointAt = lastActivity
            const seq = generation.seq
            emit({
              name: 'v1.AssistantTextCheckpoint',
              args: { id: generation.messageId, text: generation.text.toString() },
            }).then(
              () => this.registry.markCheckpoint(generation, seq),
              () => {}
            )
          }
        }
      )
      finishReason = outcome.finishReason
      usage = outcome.usage
      reportedCostUsd = outcome.costUsd
      streamError = outcome.streamError
    } catch (error) {
      streamError = error
    } finally {
      clearInterval(watchdog)
      clearTimeout(deadline)
    }

    const label = PROVIDER_LABELS[input.model.provider]
    const keySource =
      input.key.via === 'user_key' ? 'user' : input.key.via === 'operator' ? 'operator' : 'platform'
    let status: FinalMessageStatus = 'complete'
    let failure: LlmFailure | null = null
    if (truncated) {
      finishReason = 'length'
    } else if (generation.stopReason) {
      status = generation.stopReason === 'stop' ? 'stopped' : 'interrupted'
      finishReason = generation.stopReason === 'stop' ? 'stopped' : 'interrupted'
    } else if (failureCause || streamError) {
      failure = classifyProviderError(failureCause ?? streamError, {
        providerLabel: label,
        keySource,
        secrets: [input.key.apiKey],
      })
    } else {
      failure = classifyFinishReason(finishReason, { providerLabel: label, keySource })
    }
    if (failure) {
      status = 'error'
      finishReason = finishReason && finishReason !== 'unknown' ? finishReason : failure.kind
      logger.warn(
        {
          messageId: generation.messageId,
          model: generation.modelId,
          kind: failure.kind,
          status: failure.status,
          detail: failure.detail,
        },
        'generation failed'
      )
    }

    const error = failure ? failure.reason.slice(0, LIMITS.errorLength) : null
    started.write()
    await emit({
      name: 'v1.AssistantMessageFinished',
      args: {
        id: generation.messageId,
        text: generation.text.toString(),
        status,
        finishReason: finishReason?.slice(0, LIMITS.finishReasonLength) ?? null,
        error,
        usage,
        costMicros: costMicros(input.model, usage, reportedCostUsd),
        model: generation.modelId,
        ...(contextStartId ? { contextStartId } : {}),
      },
    }).catch(() => {})
    this.registry.announceDone(generation, status, error)

    if (status === 'complete' && input.firstExchange) {
      void this.titles
        .titleAfterFirstExchange(generation, input.language)
        .catch((titleError) =>
          logger.warn({ err: titleError, chatId: generation.chatId }, 'automatic title failed')
        )
    }
    return status
  }
}

/*
| When an answer's Started event (and the hold on the user's sync store) is
| queued: right after its first delta went to the live channel, or after
| STARTED_WITHIN_MS without one (a slow model), and always before any other
| event of the answer. Queued as the model call went out, its SQLite commit
| ran about when the provider's first bytes came back, and the first token
| waited for it (ttft bench marks); a tab shows the answer from the reply's
| answer and its live tokens meanwhile, the event is for the other devices.
*/
const STARTED_WITHIN_MS = 50

class StartedEvent {
  #release: (() => void) | null = null
  #written = false
  #soon = false
  #timer: NodeJS.Timeout

  /* `write` queues the event and returns the release of the store hold. */
  constructor(protected writeEvent: () => () => void) {
    this.#timer = setTimeout(() => this.write(), STARTED_WITHIN_MS)
  }

  /* Queues the event now, once. */
  write() {
    if (this.#written) return
    this.#written = true
    clearTimeout(this.#timer)
    this.#release = this.writeEvent()
  }

  /* Queues it at the end of this turn, once the frames of this turn went out. */
  soon() {
    if (this.#written || this.#soon) return
    this.#soon = true
    setImmediate(() => this.write())
  }

  release() {
    this.#release?.()
    this.#release = null
  }
}
