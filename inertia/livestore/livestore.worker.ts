/**
 * The LiveStore leader worker: owns the OPFS database and the connection to our sync server.
 * The browser sends the session cookie with the WebSocket upgrade (same origin), which is how
 * the server knows whose store this is; the sync payload carries no secret.
 */
import { makeWorker } from '@livestore/adapter-web/worker'
import { makeWsSync } from '@livestore/sync-cf/client'
import { schema } from '#shared/livestore/schema'

makeWorker({
  schema,
  sync: {
    backend: makeWsSync({
      url: `${globalThis.location.origin.replace(/^http/, 'ws')}/livestore-sync`,
    }),
    /* Local-first: boot from the device's copy at once, never wait for the network. */
    initialSyncOptions: { _tag: 'Skip' },
  },
})
