import type { RawData, WebSocket } from 'ws'
import logger from '@adonisjs/core/services/logger'
import type { StoredSyncEvent } from '#sync/sync_types'
import { SYNC_CLOSE, SYNC_LIMITS } from '#sync/sync_limits'
import type { SyncService } from '#sync/services/sync_service'
import { syncFrameValidator } from '#sync/validators/sync_frame_validator'
import {
  PONG,
  chunkFrame,
  decodePullPayload,
  decodePushPayload,
  interrupted,
  pullBackendMismatch,
  pullCompleted,
  pullResponseJson,
  pushRefused,
  pushSucceeded,
  requestFailed,
  splitPages,
  unknownRpc,
  type PageInfo,
} from '#sync/services/sync_wire'

interface PullSubscription {
  requestId: string
  live: boolean
  /* Highest seqNum sent on this pull. */
  lastSent: number
  catchingUp: boolean
  /* Live batches that arrived during catch-up, sent right after it. */
  pending: StoredSyncEvent[][]
  unsubscribe: (() => void) | null
  closed: boolean
  /* Known once the store is open (before any live event can be sent). */
  backendId: string
}

export interface SyncConnectionContext {
  userId: string
  storeId: string
  sync: SyncService
  /* Called when a request names another store than the session's: logs the attempt. */
  onStoreDenied: (requestedStoreId: string, rpc: string) => void
}

const NO_MORE: PageInfo = { _tag: 'NoMore' }
const MAX_ID_LENGTH = 128

/*
| A live page is the same for every pull of a store: encode it once per
| published batch, not once per socket.
*/
const livePagesCache = new WeakMap<StoredSyncEvent[], string[]>()

/*
| One sync socket of a signed-in user: answers the Effect RPC frames of
| LiveStore's WebSocket sync client for the user's own store.
| Frame-level garbage (not JSON, not a known frame) closes the socket with
| 4400; a bad request gets a Failure exit; a foreign store closes with 4403.
*/
export class SyncConnection {
  #pulls = new Map<string, PullSubscription>()
  /* Pushes not answered yet, with whether the client interrupted them. */
  #pushes = new Map<string, { interrupted: boolean }>()
  #frames: Promise<void> = Promise.resolve()
  #closed = false

  constructor(
    protected ws: WebSocket,
    protected context: SyncConnectionContext
  ) {
    ws.on('message', (data, isBinary) => this.#onMessage(data, isBinary))
    ws.on('close', () => this.#dispose())
    ws.on('error', (error) => {
      logger.debug({ err: error }, 'sync socket error')
      this.#dispose()
    })
  }

  #onMessage(data: RawData, isBinary: boolean) {
    if (this.#closed) return
    if (isBinary) return this.#close(SYNC_CLOSE.badFrame, 'binary frames are not supported')
    let json: unknown
    try {
      json = JSON.parse(
        Array.isArray(data) ? Buffer.concat(data).toString('utf8') : data.toString()
      )
    } catch {
      return this.#close(SYNC_CLOSE.badFrame, 'malformed JSON')
    }
    // Frames are validated in arrival order so an Interrupt never overtakes its Request.
    this.#frames = this.#frames
      .then(() => this.#dispatch(json))
      .catch((error) => {
        logger.error({ err: error }, 'sync frame handling failed')
        this.#close(1011, 'internal error')
      })
  }

  async #dispatch(json: unknown) {
    const [error, frame] = await syncFrameValidator.tryValidate(json)
    if (error) return this.#close(SYNC_CLOSE.badFrame, 'invalid frame')
    if (this.#closed) return

    switch (frame._tag) {
      case 'Ping':
        return this.#send(PONG)
      case 'Ack':
      case 'Eof':
        // Acks pace Effect's own server; we do not wait for them.
        return
      case 'Interrupt':
        return this.#interrupt(frame.requestId!)
      case 'Request':
        if (frame.tag === 'SyncWsRpc.Pull') return void this.#pull(frame.id!, frame.payload)
        if (frame.tag === 'SyncWsRpc.Push') return void this.#push(frame.id!, frame.payload)
        return this.#send(unknownRpc(frame.id!, frame.tag!))
    }
  }

  #ownStore(requestId: string, storeId: string, rpc: string) {
    if (storeId === this.context.storeId) return true
    this.context.onStoreDenied(storeId, rpc)
    this.#send(requestFailed(requestId, 'store denied'))
    this.#close(SYNC_CLOSE.forbidden, 'store denied')
    return false
  }

  async #pull(requestId: string, rawPayload: unknown) {
    const decoded = decodePullPayload(rawPayload)
    if (decoded._tag === 'Left') return this.#send(requestFailed(requestId, 'invalid pull request'))
    const request = decoded.right
    if (!this.#ownStore(requestId, request.storeId, 'pull')) return
    if (this.#pulls.has(requestId))
      return this.#send(requestFailed(requestId, 'duplicate request id'))
    if (this.#pulls.size >= SYNC_LIMITS.maxPullsPerConnection) {
      return this.#send(requestFailed(requestId, 'too many pulls on this connection'))
    }

    const cursor = request.cursor._tag === 'Some' ? request.cursor.value : null
    const pull: PullSubscription = {
      requestId,
      live: request.live,
      lastSent: cursor ? Number(cursor.eventSequenceNumber) : 0,
      catchingUp: true,
      pending: [],
      unsubscribe: null,
      closed: false,
      backendId: '',
    }
    this.#pulls.set(requestId, pull)

    try {
      // Subscribing and reading the head happen in one tick: no event falls between catch-up and live.
      const store = request.live
        ? await this.context.sync.subscribe(this.context.userId, (events) =>
            this.#onLive(pull, events)
          )
        : { ...(await this.context.sync.openStore(this.context.userId)), unsubscribe: () => {} }
      pull.unsubscribe = store.unsubscribe
      pull.backendId = store.backendId
      if (pull.closed) return store.unsubscribe()

      if (cursor && cursor.backendId !== store.backendId) {
        this.#endPull(pull)
        return this.#send(pullBackendMismatch(requestId, store.backendId, cursor.backendId))
      }

      await this.#catchUp(pull, store.head, store.backendId)
      if (pull.closed) return

      pull.catchingUp = false
      if (!pull.live) {
        this.#endPull(pull)
        return this.#send(pullCompleted(requestId))
      }
      for (const events of pull.pending) this.#sendLive(pull, events)
      pull.pending = []
    } catch (error) {
      logger.error({ err: error, storeId: this.context.storeId }, 'sync pull failed')
      this.#endPull(pull)
      this.#send(requestFailed(requestId, 'pull failed'))
    }
  }

  /* Pages of at most 100 events up to `target`; the last one says NoMore (an empty one if nothing). */
  async #catchUp(pull: PullSubscription, target: number, backendId: string) {
    if (pull.lastSent >= target) {
      return this.#send(chunkFrame(pull.requestId, pullResponseJson([], NO_MORE, backendId)))
    }
    while (pull.lastSent < target) {
      const events = await this.context.sync.read(
        this.context.userId,
        pull.lastSent,
        target,
        SYNC_LIMITS.pageEvents
      )
      if (pull.closed) return
      if (events.length === 0) {
        // Only if the log has a hole: end the catch-up rather than spin.
        logger.error(
          { storeId: this.context.storeId, after: pull.lastSent, target },
          'sync log gap'
        )
        return this.#send(chunkFrame(pull.requestId, pullResponseJson([], NO_MORE, backendId)))
      }
      for (const page of splitPages(events)) {
        const last = page[page.length - 1].seqNum
        const remaining = target - last
        const pageInfo: PageInfo = remaining > 0 ? { _tag: 'MoreKnown', remaining } : NO_MORE
        this.#send(chunkFrame(pull.requestId, pullResponseJson(page, pageInfo, backendId)))
        pull.lastSent = last
      }
    }
  }

  #onLive(pull: PullSubscription, events: StoredSyncEvent[]) {
    if (pull.closed) return
    if (pull.catchingUp) {
      pull.pending.push(events)
      return
    }
    this.#sendLive(pull, events)
  }

  #sendLive(pull: PullSubscription, events: StoredSyncEvent[]) {
    if (events.length === 0 || events[events.length - 1].seqNum <= pull.lastSent) return
    if (this.ws.bufferedAmount > SYNC_LIMITS.maxBufferedBytes) {
      // It will reconnect and catch up from its cursor.
      return this.#close(SYNC_CLOSE.slowConsumer, 'too far behind')
    }
    let pages: string[]
    if (events[0].seqNum > pull.lastSent && livePagesCache.has(events)) {
      pages = livePagesCache.get(events)!
    } else {
      const fresh = events.filter((event) => event.seqNum > pull.lastSent)
      pages = splitPages(fresh).map((page) => pullResponseJson(page, NO_MORE, pull.backendId))
      if (fresh.length === events.length) livePagesCache.set(events, pages)
    }
    for (const page of pages) this.#send(chunkFrame(pull.requestId, page))
    pull.lastSent = events[events.length - 1].seqNum
  }

  async #push(requestId: string, rawPayload: unknown) {
    const decoded = decodePushPayload(rawPayload)
    if (decoded._tag === 'Left') return this.#send(requestFailed(requestId, 'invalid push request'))
    const request = decoded.right
    if (!this.#ownStore(requestId, request.storeId, 'push')) return
    for (const event of request.batch) {
      if (event.clientId.length > MAX_ID_LENGTH || event.sessionId.length > MAX_ID_LENGTH) {
        return this.#send(requestFailed(requestId, 'clientId or sessionId too long'))
      }
    }

    if (this.#pushes.has(requestId)) {
      return this.#send(requestFailed(requestId, 'duplicate request id'))
    }
    if (this.#pushes.size >= SYNC_LIMITS.maxPushesInFlight) {
      return this.#send(requestFailed(requestId, 'too many pushes in flight'))
    }
    const pending = { interrupted: false }
    this.#pushes.set(requestId, pending)
    let acknowledged = false
    try {
      const result = await this.context.sync.push(
        this.context.userId,
        request.batch.map((event) => ({
          name: event.name,
          args: event.args,
          seqNum: Number(event.seqNum),
          parentSeqNum: Number(event.parentSeqNum),
          clientId: event.clientId,
          sessionId: event.sessionId,
        })),
        request.backendId._tag === 'Some' ? request.backendId.value : undefined,
        {
          isCancelled: () => pending.interrupted || this.#closed,
          onAccepted: () => {
            acknowledged = true
            this.#send(pushSucceeded(requestId))
          },
        }
      )
      if (!result.ok) return this.#send(pushRefused(requestId, result.refusal))
      if (!acknowledged) this.#send(pushSucceeded(requestId))
    } catch (error) {
      logger.error({ err: error, storeId: this.context.storeId }, 'sync push failed')
      if (!acknowledged) this.#send(requestFailed(requestId, 'push failed'))
    } finally {
      this.#pushes.delete(requestId)
    }
  }

  #interrupt(requestId: string) {
    const push = this.#pushes.get(requestId)
    // Answered when its turn comes: dropped if not started, acknowledged if already written.
    if (push) push.interrupted = true
    const pull = this.#pulls.get(requestId)
    if (!pull) return
    this.#endPull(pull)
    this.#send(interrupted(requestId))
  }

  #endPull(pull: PullSubscription) {
    pull.closed = true
    pull.pending = []
    pull.unsubscribe?.()
    this.#pulls.delete(pull.requestId)
  }

  #send(frame: string) {
    if (this.ws.readyState === this.ws.OPEN) this.ws.send(frame)
  }

  #close(code: number, reason: string) {
    if (!this.#closed && this.ws.readyState === this.ws.OPEN) this.ws.close(code, reason)
    this.#dispose()
  }

  #dispose() {
    if (this.#closed) return
    this.#closed = true
    for (const pull of [...this.#pulls.values()]) this.#endPull(pull)
  }
}
