import type { FinalMessageStatus } from '#shared/livestore/schema'
import { AnswerText } from '#chat/services/answer_text'

/*
| Frames of the /live channel (server -> browser), JSON-encoded once per
| token and sent as is to every subscribed socket (a batched socket sends a
| turn's frames together as one JSON array, see live_socket_server.ts).
|
|   { type: 'snapshot', messageId, seq, text }  the whole text up to `seq`
|   { type: 'token', messageId, seq, text }     one delta; seq counts deltas from 1
|   { type: 'done', messageId, status, error }  final (complete|stopped|error|interrupted)
*/
export type LiveFrame =
  | { type: 'snapshot'; messageId: string; seq: number; text: string }
  | { type: 'token'; messageId: string; seq: number; text: string }
  | { type: 'done'; messageId: string; status: FinalMessageStatus; error: string | null }

export type LiveSubscriber = (frame: string) => void

export interface GenerationInfo {
  messageId: string
  userId: string
  chatId: string
  /* The user message answered. */
  parentId: string
  modelId: string
}

export interface Generation extends GenerationInfo {
  controller: AbortController
  /*
  | The whole text so far, and the deltas after the checkpoint (delta
  | checkpointSeq + 1 + i is text.delta(i)), off the JS heap: see answer_text.ts.
  */
  text: AnswerText
  /* Deltas so far. */
  seq: number
  /* Seq of the last durable checkpoint; the deltas after it are kept in `text`. */
  checkpointSeq: number
  subscribers: Set<LiveSubscriber>
  /* Why the run was aborted from outside: the user's stop, or shutdown. */
  stopReason: 'stop' | 'shutdown' | null
  /* Settles once the Finished event is in the sync log. */
  finished: Promise<FinalMessageStatus>
  /* `{"type":"token","messageId":"…","seq":` once a token frame was built. */
  tokenFramePrefix?: string
}

/*
| Every generation running in this process, by assistant message id: its
| abort controller, the text so far, the deltas since the last checkpoint
| (what a re-attaching tab needs beyond the checkpointed text it already
| has) and the live subscribers. One process only, like the sync server.
*/
/* How long a finished id is remembered, so a late duplicate request cannot start it again. */
const RECENT_MS = 60_000

export class GenerationRegistry {
  #running = new Map<string, Generation>()
  #recent = new Map<string, { info: GenerationInfo; status: FinalMessageStatus; at: number }>()

  get(messageId: string): Generation | undefined {
    return this.#running.get(messageId)
  }

  get size() {
    return this.#running.size
  }

  ids() {
    return [...this.#running.keys()]
  }

  /*
  | Registers a generation unless one with this id is already running, in one
  | synchronous step (so two identical requests cannot both start one), then
  | starts `run` detached. Returns the generation and whether it was created.
  */
  claim(
    info: GenerationInfo,
    run: (generation: Generation) => Promise<FinalMessageStatus>
  ):
    | { generation: Generation; created: boolean; finished?: undefined }
    | {
        generation?: undefined
        created: false
        finished: { info: GenerationInfo; status: FinalMessageStatus }
      } {
    const existing = this.#running.get(info.messageId)
    if (existing) return { generation: existing, created: false }
    const recent = this.#recent.get(info.messageId)
    if (recent) return { created: false, finished: recent }
    let settle!: (status: FinalMessageStatus) => void
    const generation: Generation = {
      ...info,
      controller: new AbortController(),
      text: new AnswerText(),
      seq: 0,
      checkpointSeq: 0,
      subscribers: new Set(),
      stopReason: null,
      finished: new Promise((resolve) => (settle = resolve)),
    }
    this.#running.set(info.messageId, generation)
    // Detached from the request: a closed tab does not end it, only stop or the run itself.
    void run(generation)
      .catch((): FinalMessageStatus => 'error')
      .then((status) => {
        this.#running.delete(info.messageId)
        this.#remember(info, status)
        settle(status)
      })
    return { generation, created: true }
  }

  /*
  | A new delta: kept for re-attaching tabs and sent to every subscriber. The
  | frame is the same JSON as JSON.stringify of the LiveFrame would give (keys
  | in the same order), built from a per-answer prefix: only the text needs
  | encoding, once per delta whatever the number of tabs.
  */
  pushToken(generation: Generation, text: string) {
    generation.text.append(text)
    generation.seq++
    if (generation.subscribers.size === 0) return
    const prefix =
      (generation.tokenFramePrefix ??= `{"type":"token","messageId":${JSON.stringify(generation.messageId)},"seq":`)
    this.#deliver(generation, `${prefix}${generation.seq},"text":${JSON.stringify(text)}}`)
  }

  /* The text up to now is durable: a tab that reloads gets it from LiveStore. */
  markCheckpoint(generation: Generation, seq: number) {
    const dropped = Math.min(seq - generation.checkpointSeq, generation.text.deltaCount)
    if (dropped <= 0) return
    generation.text.dropDeltas(dropped)
    generation.checkpointSeq = seq
  }

  /* Called once the Finished event is durable: tells the subscribers, then forgets them. */
  announceDone(generation: Generation, status: FinalMessageStatus, error: string | null) {
    this.#send(generation, { type: 'done', messageId: generation.messageId, status, error })
    generation.subscribers.clear()
  }

  /*
  | Attaches a subscriber to one of `userId`'s running generations. It first
  | gets what it misses: the deltas after `fromSeq` when the buffer still
  | holds them all, else a snapshot of the whole text. Returns false when no
  | such generation runs for this user (the caller then looks at the table).
  */
  subscribe(
    messageId: string,
    userId: string,
    fromSeq: number,
    subscriber: LiveSubscriber
  ): boolean {
    const generation = this.#running.get(messageId)
    if (!generation || generation.userId !== userId) return false
    const { checkpointSeq, text } = generation
    const oldestBuffered = text.deltaCount ? checkpointSeq + 1 : generation.seq + 1
    if (fromSeq > generation.seq || fromSeq + 1 < oldestBuffered) {
      // Ahead of us (another process's numbering) or behind the buffer: the whole text.
      if (generation.seq > 0 || text.length > 0) {
        subscriber(
          JSON.stringify({
            type: 'snapshot',
            messageId,
            seq: generation.seq,
            text: text.toString(),
          } satisfies LiveFrame)
        )
      }
    } else {
      for (let seq = Math.max(fromSeq, checkpointSeq) + 1; seq <= generation.seq; seq++) {
        subscriber(
          JSON.stringify({
            type: 'token',
            messageId,
            seq,
            text: text.delta(seq - checkpointSeq - 1),
          } satisfies LiveFrame)
        )
      }
    }
    generation.subscribers.add(subscriber)
    return true
  }

  unsubscribe(messageId: string, subscriber: LiveSubscriber) {
    this.#running.get(messageId)?.subscribers.delete(subscriber)
  }

  /* The user's stop: true when it was running (the run ends itself with status stopped). */
  stop(messageId: string, userId: string, reason: 'stop' | 'shutdown' = 'stop') {
    const generation = this.#running.get(messageId)
    if (!generation || generation.userId !== userId) return null
    if (!generation.stopReason) {
      generation.stopReason = reason
      generation.controller.abort(reason)
    }
    return generation
  }

  /* Shutdown: every run ends (as interrupted) and writes its Finished event. */
  async stopAll() {
    const all = [...this.#running.values()]
    for (const generation of all) this.stop(generation.messageId, generation.userId, 'shutdown')
    await Promise.all(all.map((generation) => generation.finished))
  }

  #remember(info: GenerationInfo, status: FinalMessageStatus) {
    const now = Date.now()
    for (const [id, entry] of this.#recent) {
      // Oldest first (insertion order): stop at the first one still fresh.
      if (now - entry.at < RECENT_MS) break
      this.#recent.delete(id)
    }
    this.#recent.set(info.messageId, { info, status, at: now })
  }

  #send(generation: Generation, frame: LiveFrame) {
    this.#deliver(generation, JSON.stringify(frame))
  }

  #deliver(generation: Generation, encoded: string) {
    for (const subscriber of generation.subscribers) {
      try {
        subscriber(encoded)
      } catch {
        // One broken socket must not keep the other tabs from their tokens.
      }
    }
  }
}
