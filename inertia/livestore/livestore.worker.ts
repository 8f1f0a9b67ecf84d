/**
 * The LiveStore leader worker: owns the OPFS database and the connection to our sync server.
 * The browser sends the session cookie with the WebSocket upgrade (same origin), which is how
 * the server knows whose store this is; the sync payload carries no secret.
 */
import { makeWorker } from '@livestore/adapter-web/worker'
import { schema } from '#shared/livestore/schema'
import { leaderSyncOptions } from '#shared/livestore/sync_options'
import {
  INITIAL_SYNC_CHANNEL,
  isNewDeviceWorker,
  syncUrl,
  type InitialSyncMessage,
} from './initial_sync'

/*
| A returning device boots from its own copy at once and never waits for the network
| (local-first). A new device has nothing to show: it pulls everything before the page boots
| (see leaderSyncOptions) and tells the page how far it is.
*/
const newDevice = isNewDeviceWorker(self.name)
const progress =
  newDevice && typeof BroadcastChannel !== 'undefined'
    ? new BroadcastChannel(INITIAL_SYNC_CHANNEL)
    : undefined
let reportedCaughtUp = false

makeWorker({
  schema,
  sync: leaderSyncOptions({
    url: syncUrl(globalThis.location.origin),
    hasLocalCopy: !newDevice,
    onPullProgress: progress
      ? (report) => {
          if (reportedCaughtUp) return
          reportedCaughtUp = report.caughtUp
          progress.postMessage(report satisfies InitialSyncMessage)
        }
      : undefined,
  }),
})
