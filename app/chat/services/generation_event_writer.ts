import type { SyncService, ServerEventInput } from '#sync/services/sync_service'

/* At most this many events in one append (a live pull receives them as one batch). */
const MAX_BATCH = 100

interface Pending {
  event: ServerEventInput
  resolve: () => void
  reject: (error: unknown) => void
}

interface UserQueue {
  pending: Pending[]
  /* An append of this user's events is in flight (or about to start). */
  busy: boolean
}

/*
| The durable events of every running answer (started, checkpoints,
| finished) on their way to the sync server, coalesced per user: the events
| the user's answers produce in one turn of the event loop, and all those
| that arrive while the previous append is in flight, go in one append (one
| savepoint of one group-committed transaction, one batch to each live
| pull) instead of one each. A thousand answers starting, or checkpointing,
| at once then cost a few appends per user, not a thousand.
|
| Order per user is kept (one append in flight per user, events in arrival
| order), hence per answer: started, checkpoints, finished. An append that
| fails is retried event by event, so one bad event fails alone.
*/
export class GenerationEventWriter {
  #queues = new Map<string, UserQueue>()
  #holds = new Map<string, { count: number; unsubscribe: Promise<(() => void) | null> }>()

  constructor(protected sync: SyncService) {}

  /*
  | Keeps the user's store loaded in the sync server while one of their
  | answers runs; returns the release. The sync server drops a store from
  | memory when nothing uses it (no live pull, no write in flight) and reads
  | its head back from SQLite on the next write: for a user with no tab open
  | that was two queries before every checkpoint. Held as a live pull is (a
  | listener that ignores what it hears), so nothing in the sync server
  | changes.
  */
  hold(userId: string): () => void {
    let hold = this.#holds.get(userId)
    if (!hold) {
      const subscribed = this.sync
        .subscribe(userId, () => {})
        .then(
          (subscription) => subscription.unsubscribe,
          () => null
        )
      hold = { count: 0, unsubscribe: subscribed }
      this.#holds.set(userId, hold)
    }
    const held = hold
    held.count++
    let released = false
    return () => {
      if (released) return
      released = true
      if (--held.count > 0) return
      if (this.#holds.get(userId) === held) this.#holds.delete(userId)
      void held.unsubscribe.then((unsubscribe) => unsubscribe?.())
    }
  }

  /* Settles once the event is in the sync log (rejects if it could not be stored). */
  write(userId: string, event: ServerEventInput): Promise<void> {
    let queue = this.#queues.get(userId)
    if (!queue) {
      queue = { pending: [], busy: false }
      this.#queues.set(userId, queue)
    }
    const settled = new Promise<void>((resolve, reject) => {
      queue.pending.push({ event, resolve, reject })
    })
    if (!queue.busy) {
      queue.busy = true
      // The other answers' events of this turn join the same append.
      setImmediate(() => void this.#drain(userId, queue))
    }
    return settled
  }

  async #drain(userId: string, queue: UserQueue) {
    while (queue.pending.length > 0) {
      const batch = queue.pending.splice(0, MAX_BATCH)
      try {
        await this.sync.appendServerEvents(
          userId,
          batch.map((item) => item.event)
        )
        for (const item of batch) item.resolve()
      } catch (error) {
        if (batch.length === 1) {
          batch[0].reject(error)
          continue
        }
        for (const item of batch) {
          try {
            await this.sync.appendServerEvents(userId, [item.event])
            item.resolve()
          } catch (itemError) {
            item.reject(itemError)
          }
        }
      }
    }
    queue.busy = false
    this.#queues.delete(userId)
  }
}
