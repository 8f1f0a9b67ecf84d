/* One event of a store's log as the wire carries it (LiveStoreEvent.Global.Encoded). */
export interface EncodedSyncEvent {
  name: string
  args: unknown
  seqNum: number
  parentSeqNum: number
  clientId: string
  sessionId: string
}

/* An accepted event: what is stored and published. `argsJson` is sent to clients as is. */
export interface StoredSyncEvent {
  seqNum: number
  parentSeqNum: number
  name: string
  argsJson: string
  clientId: string
  sessionId: string
  /* ISO 8601, when the server accepted it. */
  createdAt: string
}

/* Why a push was refused; each maps to a LiveStore error on the wire. */
export type PushRefusal =
  | { _tag: 'ServerAheadError'; minimumExpectedNum: number; providedNum: number }
  | { _tag: 'BackendIdMismatchError'; expected: string; received: string }
  | { _tag: 'InvalidPush'; reason: string }
  /* The client interrupted the push before its turn came: nothing was written. */
  | { _tag: 'Cancelled' }

export type PushResult = { ok: true; head: number } | { ok: false; refusal: PushRefusal }
