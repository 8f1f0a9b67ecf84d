/**
 * How a device's LiveStore leader syncs with our server: one definition for the browser's leader
 * worker (inertia/livestore/livestore.worker.ts) and the sync benchmark's device, so the bench
 * measures what a browser does.
 *
 * Keep this module free of React and Node-only imports: the browser's worker bundles it.
 */
import type { SyncBackend, SyncOptions } from '@livestore/common'
import { makeWsSync } from '@livestore/sync-cf/client'
import { Effect, Stream } from '@livestore/utils/effect'

/*
| A new device blocks its boot until the leader has pulled everything or this long has passed;
| after that it boots with what it has and keeps pulling in the background (slower: the page then
| re-applies every later event too, but nothing is lost). Headless Chromium on a busy 2-core
| machine took 28-36 s for 21,000 events (`npm run bench -- sync-browser`), so a slower device
| with a larger history still fits.
| An offline new device does not wait at all: the page blocks only after the sync socket
| answered (inertia/livestore/initial_sync.ts).
*/
export const INITIAL_SYNC_TIMEOUT_MS = 120_000

/** The leader's progress through the server's catch-up pages. */
export interface PullProgress {
  storeId: string
  /** Events received since this leader started. */
  received: number
  /** Events the catch-up holds in all (received + what the server says remains), once known. */
  total: number | null
  /** The catch-up has ended (the server said NoMore); later pages are live events. */
  caughtUp: boolean
}

export interface LeaderSyncConfig {
  /** ws(s)://<host>/livestore-sync */
  url: string
  /**
   * Whether this device already holds a copy of the store. A returning device boots from it at
   * once (local-first: chats show before the socket connects). A new device has nothing to show,
   * so its leader pulls everything before the page's session boots: the page then loads one
   * snapshot instead of re-applying every event the leader pulls (about 20x less work for
   * 20,000 events), and its queries do not re-run after every page of the catch-up.
   */
  hasLocalCopy: boolean
  /** Called after each page the leader receives (the page's own boot status can't show it). */
  onPullProgress?: (progress: PullProgress) => void
}

export function leaderSyncOptions(config: LeaderSyncConfig): SyncOptions {
  const backend = makeWsSync({ url: config.url })
  return {
    backend: config.onPullProgress ? withPullProgress(backend, config.onPullProgress) : backend,
    initialSyncOptions: config.hasLocalCopy
      ? { _tag: 'Skip' }
      : { _tag: 'Blocking', timeout: INITIAL_SYNC_TIMEOUT_MS },
  }
}

/*
| LiveStore reports initial-sync progress on its boot status queue, but the web adapter only
| serves that queue once the leader has booted, i.e. after a blocking initial sync is over. So
| the leader reports its pull progress itself, from the pages the backend yields.
*/
function withPullProgress<TMetadata>(
  construct: SyncBackend.SyncBackendConstructor<TMetadata>,
  report: (progress: PullProgress) => void
): SyncBackend.SyncBackendConstructor<TMetadata> {
  return (args) =>
    Effect.map(construct(args), (backend) => ({
      ...backend,
      pull: (cursor, options) => {
        let received = 0
        let total: number | null = null
        let caughtUp = false
        return backend.pull(cursor, options).pipe(
          Stream.tap(({ batch, pageInfo }) =>
            Effect.sync(() => {
              received += batch.length
              if (pageInfo._tag === 'MoreKnown') total = received + pageInfo.remaining
              if (pageInfo._tag === 'NoMore') {
                caughtUp = true
                total = received
              }
              try {
                report({ storeId: args.storeId, received, total, caughtUp })
              } catch {
                // Progress is cosmetic: it must never break the pull.
              }
            })
          )
        )
      },
    }))
}
