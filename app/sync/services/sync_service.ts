import { storeIdForUser, type SyncedEventName } from '#shared/livestore/schema'
import type { EncodedSyncEvent, PushResult, StoredSyncEvent } from '#sync/sync_types'
import { SyncEventCodec } from '#sync/services/sync_event_codec'
import { SyncEventLog } from '#sync/services/sync_event_log'
import { SYNC_LIMITS } from '#sync/sync_limits'
import type { ProjectableEvent } from '#sync/services/sync_projection'

export type SyncListener = (events: StoredSyncEvent[]) => void

/* An event the server writes, e.g. `events.assistantMessageStarted({...})` from the shared schema. */
export interface ServerEventInput {
  name: SyncedEventName
  args: unknown
}

export class InvalidServerEventError extends Error {}

interface StoreState {
  storeId: string
  userId: string
  backendId: string
  head: number
  /* Tail of the store's write queue: one push or append at a time. */
  queue: Promise<unknown>
  /* Writes queued or running; the state is dropped from memory only when idle. */
  active: number
  listeners: Set<SyncListener>
}

const SERVER_CLIENT_ID = 'server'
const SERVER_SESSION_ID = 'server'

/*
| The heart of sync: one LiveStore store per user (`user-<id>`), an ordered
| event log per store, writes one at a time per store, and publication of
| every accepted event to every live pull of the store.
|
| It lives once per process (a container singleton, see providers/sync_provider):
| heads and listeners are in memory, the log in SQLite. One process only.
*/
export class SyncService {
  #log = new SyncEventLog()
  #codec = new SyncEventCodec()
  #stores = new Map<string, StoreState>()
  #loading = new Map<string, Promise<StoreState>>()

  storeIdFor(userId: string) {
    return storeIdForUser(userId)
  }

  /* The user's store (created on first use): its permanent backendId and current head. */
  async openStore(userId: string) {
    const state = await this.#acquire(userId, () => {})
    this.#maybeEvict(state)
    return { storeId: state.storeId, backendId: state.backendId, head: state.head }
  }

  /*
  | Calls `listener` with every batch accepted from now on, and returns the
  | head at the moment of subscribing: events up to it are the catch-up, later
  | ones arrive live, with no gap between the two.
  */
  async subscribe(userId: string, listener: SyncListener) {
    const state = await this.#acquire(userId, (s) => s.listeners.add(listener))
    return {
      storeId: state.storeId,
      backendId: state.backendId,
      head: state.head,
      unsubscribe: () => {
        state.listeners.delete(listener)
        this.#maybeEvict(state)
      },
    }
  }

  read(userId: string, afterSeq: number, uptoSeq: number, limit: number) {
    return this.#log.read(this.storeIdFor(userId), afterSeq, uptoSeq, limit)
  }

  /*
  | A client's push: accepted only if its first parent is the head, the batch
  | is contiguous and every event is a client event whose args decode with the
  | shared schema. `onAccepted` runs after the commit and before publication
  | (the socket sends its acknowledgement there). `isCancelled` is asked once,
  | when the push's turn comes: a push the client has interrupted by then is
  | dropped, as Effect RPC drops an interrupted request (the client has already
  | rebased those events and will push them again with new numbers).
  */
  async push(
    userId: string,
    batch: readonly EncodedSyncEvent[],
    backendId: string | undefined,
    hooks: { onAccepted?: () => void; isCancelled?: () => boolean } = {}
  ): Promise<PushResult> {
    if (batch.length === 0) {
      const { head } = await this.openStore(userId)
      return { ok: true, head }
    }
    if (batch.length > SYNC_LIMITS.maxBatchEvents) {
      return {
        ok: false,
        refusal: { _tag: 'InvalidPush', reason: `more than ${SYNC_LIMITS.maxBatchEvents} events` },
      }
    }

    const shape = checkContiguous(batch)
    if (shape) return { ok: false, refusal: { _tag: 'InvalidPush', reason: shape } }

    // Decoding is pure work: done before taking the store's turn.
    const decoded: { argsJson: string; args: unknown }[] = []
    for (const event of batch) {
      const result = this.#codec.decode(event.name, event.args, 'client')
      if (!result.ok) return { ok: false, refusal: { _tag: 'InvalidPush', reason: result.reason } }
      decoded.push(result)
    }

    const state = await this.#acquire(userId, (s) => s.active++)
    return this.#enqueue(state, async () => {
      if (hooks.isCancelled?.()) return { ok: false, refusal: { _tag: 'Cancelled' } }
      if (backendId !== undefined && backendId !== state.backendId) {
        return {
          ok: false,
          refusal: {
            _tag: 'BackendIdMismatchError',
            expected: state.backendId,
            received: backendId,
          },
        }
      }
      const first = batch[0]
      if (first.parentSeqNum !== state.head) {
        return {
          ok: false,
          refusal: {
            _tag: 'ServerAheadError',
            minimumExpectedNum: state.head + 1,
            providedNum: first.seqNum,
          },
        }
      }

      const createdAt = new Date().toISOString()
      const stored = batch.map((event, index) => ({
        seqNum: event.seqNum,
        parentSeqNum: event.parentSeqNum,
        name: event.name,
        argsJson: decoded[index].argsJson,
        clientId: event.clientId,
        sessionId: event.sessionId,
        createdAt,
      }))
      await this.#commit(
        state,
        stored,
        decoded.map((d, i) => ({ name: batch[i].name, args: d.args, createdAt }))
      )
      hooks.onAccepted?.()
      this.#publish(state, stored)
      return { ok: true, head: state.head }
    })
  }

  /*
  | Server-originated events (assistant messages, job status): appended at the
  | head through the same transaction, projection and publication as a push.
  | Throws InvalidServerEventError when an event does not match the schema.
  | `onlyIf` is asked in the store's turn, after every push before it and
  | before any after it: when it says no, nothing is appended (returns []).
  | A check made outside the turn could be stale by the time of the append.
  */
  async appendServerEvents(
    userId: string,
    events: readonly ServerEventInput[],
    options: { onlyIf?: () => boolean | Promise<boolean> } = {}
  ): Promise<StoredSyncEvent[]> {
    if (events.length === 0) return []
    const decoded = events.map((event) => {
      const result = this.#codec.decode(event.name, event.args, 'server')
      if (!result.ok) throw new InvalidServerEventError(result.reason)
      return { name: event.name, ...result }
    })

    const state = await this.#acquire(userId, (s) => s.active++)
    return this.#enqueue(state, async () => {
      if (options.onlyIf && !(await options.onlyIf())) return []
      const createdAt = new Date().toISOString()
      const stored = decoded.map((event, index) => ({
        seqNum: state.head + index + 1,
        parentSeqNum: state.head + index,
        name: event.name,
        argsJson: event.argsJson,
        clientId: SERVER_CLIENT_ID,
        sessionId: SERVER_SESSION_ID,
        createdAt,
      }))
      await this.#commit(
        state,
        stored,
        decoded.map((d) => ({ name: d.name, args: d.args, createdAt }))
      )
      this.#publish(state, stored)
      return stored
    })
  }

  async #commit(state: StoreState, stored: StoredSyncEvent[], projectable: ProjectableEvent[]) {
    const newHead = await this.#log.append(state, stored, projectable)
    // Set in the same tick the commit resolves: a pull subscribing now sees the new head.
    state.head = newHead
  }

  #publish(state: StoreState, events: StoredSyncEvent[]) {
    for (const listener of state.listeners) {
      try {
        listener(events)
      } catch {
        // One broken socket must not keep the others from their events.
      }
    }
  }

  /* Runs `work` after the store's previous writes; the caller counted itself in `active`. */
  #enqueue<T>(state: StoreState, work: () => Promise<T>): Promise<T> {
    const run = state.queue.then(work)
    state.queue = run.then(
      () => undefined,
      () => undefined
    )
    return run.finally(() => {
      state.active--
      this.#maybeEvict(state)
    })
  }

  /*
  | The store's live state with `register` applied in the same tick it is
  | confirmed current, so an eviction cannot slip between the two (an evicted
  | state is never used: the next one is reloaded from SQLite).
  */
  async #acquire(userId: string, register: (state: StoreState) => void): Promise<StoreState> {
    for (;;) {
      const state = await this.#state(userId)
      if (this.#stores.get(state.storeId) === state) {
        register(state)
        return state
      }
    }
  }

  async #state(userId: string): Promise<StoreState> {
    const storeId = this.storeIdFor(userId)
    const existing = this.#stores.get(storeId)
    if (existing) return existing
    let loading = this.#loading.get(storeId)
    if (!loading) {
      loading = this.#log
        .openStore(storeId, userId)
        .then((record) => {
          const state: StoreState = {
            ...record,
            queue: Promise.resolve(),
            active: 0,
            listeners: new Set(),
          }
          this.#stores.set(storeId, state)
          return state
        })
        .finally(() => this.#loading.delete(storeId))
      this.#loading.set(storeId, loading)
    }
    return loading
  }

  /* Idle stores leave memory; the next use reloads head and backendId from SQLite. */
  #maybeEvict(state: StoreState) {
    if (
      state.active === 0 &&
      state.listeners.size === 0 &&
      this.#stores.get(state.storeId) === state
    ) {
      this.#stores.delete(state.storeId)
    }
  }
}

function checkContiguous(batch: readonly EncodedSyncEvent[]): string | null {
  for (let i = 0; i < batch.length; i++) {
    const event = batch[i]
    if (event.seqNum !== event.parentSeqNum + 1) {
      return `event ${i}: seqNum ${event.seqNum} does not follow its parent ${event.parentSeqNum}`
    }
    if (i > 0 && event.parentSeqNum !== batch[i - 1].seqNum) {
      return `event ${i}: parent ${event.parentSeqNum} is not the previous event ${batch[i - 1].seqNum}`
    }
  }
  return null
}
