/*
| Limits of the sync endpoint. The stock LiveStore client splits its pushes
| at 100 events and 900,000 bytes per message (MAX_PUSH_EVENTS_PER_REQUEST,
| MAX_WS_MESSAGE_BYTES in @livestore/sync-cf), so the frame limit leaves room
| above that and anything bigger is not our client.
*/
export const SYNC_PATH = '/livestore-sync'

export const SYNC_LIMITS = {
  /* ws maxPayload: a bigger frame closes the socket with 1009. */
  maxFrameBytes: 1024 * 1024,
  /* Events in one push. */
  maxBatchEvents: 100,
  /* JSON bytes of one client event's args (a 64 KB-character message is at most ~192 KB). */
  maxClientEventArgsBytes: 256 * 1024,
  /*
  | Catch-up and live chunks: at most this many events and (unless one event is bigger) bytes.
  | A client's leader applies each chunk as one batch (one merge, one transaction, one update
  | of its sync state), so a new device pulling 20,000 events spends ~9% less CPU with pages
  | of 1,000 than of 100 (LiveStore's Cloudflare server sends 100). The byte cap stays at the
  | stock client's message size.
  */
  pageEvents: 1000,
  pageBytes: 900_000,
  /* Concurrent pull subscriptions on one socket (the stock client opens one). */
  maxPullsPerConnection: 8,
  /* Pushes awaiting their answer on one socket (the stock client sends one at a time). */
  maxPushesInFlight: 16,
  /* A client that stops reading: above this much unsent data it is closed and catches up later. */
  maxBufferedBytes: 16 * 1024 * 1024,
} as const

/* WebSocket close codes we use (4xxx = application defined). */
export const SYNC_CLOSE = {
  badFrame: 4400,
  forbidden: 4403,
  slowConsumer: 4408,
  /* The session signed out. */
  signedOut: 4401,
  shuttingDown: 1001,
} as const
