import { Schema } from '@livestore/livestore'
import { BackendIdMismatchError, ServerAheadError, UnknownError } from '@livestore/common'
import { SyncMessage } from '@livestore/sync-cf/common'
import { Exit, FiberId } from '@livestore/utils/effect'
import type { PushRefusal, StoredSyncEvent } from '#sync/sync_types'
import { SYNC_LIMITS } from '#sync/sync_limits'

/*
| The JSON wire format of LiveStore's WebSocket RPC (`SyncWsRpc` in
| @livestore/sync-cf, spoken through Effect RPC's JSON serialization).
| Payloads and answers are decoded and encoded with the schemas LiveStore
| exports; only the hot path (pull chunks) is assembled by hand from the
| stored JSON, in exactly the shape SyncMessage.PullResponse encodes to.
*/

/* The payloads of `SyncWsRpc.Pull` and `SyncWsRpc.Push` (the RPC group itself is not exported). */
export const PullPayload = Schema.Struct({
  storeId: Schema.String,
  payload: Schema.optional(Schema.JsonValue),
  live: Schema.Boolean,
  ...SyncMessage.PullRequest.fields,
})
export type PullPayload = typeof PullPayload.Type

export const PushPayload = Schema.Struct({
  storeId: Schema.String,
  payload: Schema.optional(Schema.JsonValue),
  ...SyncMessage.PushRequest.fields,
})
export type PushPayload = typeof PushPayload.Type

export const decodePullPayload = Schema.decodeUnknownEither(PullPayload)
export const decodePushPayload = Schema.decodeUnknownEither(PushPayload)

const PushExit = Schema.Exit({
  success: SyncMessage.PushAck,
  failure: Schema.Union(UnknownError, ServerAheadError, BackendIdMismatchError),
  defect: Schema.Defect,
})
const PullExit = Schema.Exit({
  success: Schema.Void,
  failure: Schema.Union(UnknownError, BackendIdMismatchError),
  defect: Schema.Defect,
})
const encodePushExit = Schema.encodeSync(PushExit)
const encodePullExit = Schema.encodeSync(PullExit)

const exitFrame = (requestId: string, exit: unknown) =>
  JSON.stringify({ _tag: 'Exit', requestId, exit })

export const PONG = JSON.stringify({ _tag: 'Pong' })

export const pushSucceeded = (requestId: string) =>
  exitFrame(requestId, encodePushExit(Exit.succeed(SyncMessage.PushAck.make({}))))

export function pushRefused(requestId: string, refusal: PushRefusal) {
  switch (refusal._tag) {
    case 'Cancelled':
      return interrupted(requestId)
    case 'ServerAheadError':
      return exitFrame(
        requestId,
        encodePushExit(
          Exit.fail(
            new ServerAheadError({
              minimumExpectedNum: refusal.minimumExpectedNum as any,
              providedNum: refusal.providedNum as any,
            })
          )
        )
      )
    case 'BackendIdMismatchError':
      return exitFrame(
        requestId,
        encodePushExit(
          Exit.fail(
            new BackendIdMismatchError({ expected: refusal.expected, received: refusal.received })
          )
        )
      )
    case 'InvalidPush':
      return exitFrame(
        requestId,
        encodePushExit(Exit.fail(new UnknownError({ cause: refusal.reason, note: 'push refused' })))
      )
  }
}

/* A request we refuse outright (bad payload, foreign store, limits): an UnknownError for it. */
export const requestFailed = (requestId: string, reason: string) =>
  exitFrame(requestId, encodePushExit(Exit.fail(new UnknownError({ cause: reason }))))

export const pullBackendMismatch = (requestId: string, expected: string, received: string) =>
  exitFrame(
    requestId,
    encodePullExit(Exit.fail(new BackendIdMismatchError({ expected, received })))
  )

/* End of a non-live pull. */
export const pullCompleted = (requestId: string) => exitFrame(requestId, encodePullExit(Exit.void))

/* Answer to an Interrupt, as Effect's RPC server sends it. */
export const interrupted = (requestId: string) =>
  exitFrame(requestId, encodePullExit(Exit.interrupt(FiberId.none)))

/* An RPC we do not serve: a defect, as Effect's RPC server answers an unknown tag. */
export const unknownRpc = (requestId: string, tag: string) =>
  exitFrame(requestId, encodePullExit(Exit.die(`Unknown RPC ${tag.slice(0, 64)}`)))

export type PageInfo = { _tag: 'NoMore' } | { _tag: 'MoreKnown'; remaining: number }

/* One event as PullResponse's batch item encodes it, from the stored JSON. */
function eventItemJson(event: StoredSyncEvent) {
  return (
    `{"eventEncoded":{"name":${JSON.stringify(event.name)},"args":${event.argsJson},` +
    `"seqNum":${event.seqNum},"parentSeqNum":${event.parentSeqNum},` +
    `"clientId":${JSON.stringify(event.clientId)},"sessionId":${JSON.stringify(event.sessionId)}},` +
    `"metadata":{"_tag":"Some","value":{"_tag":"SyncMessage.SyncMetadata","createdAt":${JSON.stringify(event.createdAt)}}}}`
  )
}

/* An encoded SyncMessage.PullResponse. */
export function pullResponseJson(events: StoredSyncEvent[], pageInfo: PageInfo, backendId: string) {
  return (
    `{"batch":[${events.map(eventItemJson).join(',')}],` +
    `"pageInfo":${JSON.stringify(pageInfo)},"backendId":${JSON.stringify(backendId)}}`
  )
}

export const chunkFrame = (requestId: string, valueJson: string) =>
  `{"_tag":"Chunk","requestId":${JSON.stringify(requestId)},"values":[${valueJson}]}`

/* Splits events into pages of at most pageEvents events and (unless one event is bigger) pageBytes. */
export function splitPages(events: StoredSyncEvent[]): StoredSyncEvent[][] {
  const pages: StoredSyncEvent[][] = []
  let page: StoredSyncEvent[] = []
  let bytes = 0
  for (const event of events) {
    const size = Buffer.byteLength(event.argsJson) + event.name.length + 256
    if (
      page.length > 0 &&
      (page.length >= SYNC_LIMITS.pageEvents || bytes + size > SYNC_LIMITS.pageBytes)
    ) {
      pages.push(page)
      page = []
      bytes = 0
    }
    page.push(event)
    bytes += size
  }
  if (page.length > 0) pages.push(page)
  return pages
}
