/**
 * Whether the user's changes have reached the server.
 *
 * `store.syncStatus()` only tells whether this tab handed its events to the leader worker. The
 * server's confirmation lives in the leader's own sync state: `upstreamHead` is the last event the
 * server acknowledged (it echoed it back on the live pull), `localHead` the last one written on
 * this device. Only when both agree, and the tab has nothing left to hand over, is it "Saved".
 * LiveStore 0.4 exposes that state on the client session's leader thread proxy (the devtools read
 * it the same way); it is not part of the documented API, so this module is the one place to
 * update on a LiveStore upgrade.
 */
import { useEffect, useState } from 'react'
import { StoreInternalsSymbol, type Store } from '@livestore/livestore'
import { Effect, Fiber, Stream } from '@livestore/utils/effect'

export type SyncPhase = 'connecting' | 'saving' | 'saved' | 'offline' | 'reconnecting'

export interface SyncIndicatorState {
  phase: SyncPhase
  /** Events written on this device the server has not confirmed yet. */
  unconfirmed: number
}

interface Inputs {
  sessionPending: number
  leaderUnconfirmed: number
  connected: boolean
  everConnected: boolean
  browserOnline: boolean
}

/** Pure: the indicator's phase from what the store and the browser report. */
export function syncPhase(inputs: Inputs): SyncIndicatorState {
  const unconfirmed = inputs.sessionPending + inputs.leaderUnconfirmed
  let phase: SyncPhase
  if (!inputs.browserOnline) phase = 'offline'
  else if (!inputs.connected) phase = inputs.everConnected ? 'reconnecting' : 'connecting'
  else phase = unconfirmed > 0 ? 'saving' : 'saved'
  return { phase, unconfirmed }
}

type Head = { global: number }
type LeaderSyncState = { localHead: Head; upstreamHead: Head }
type NetworkStatus = { isConnected: boolean }

/* A Subscribable's current value, then every change, until the returned function is called. */
function follow<A>(
  source: { get: Effect.Effect<A>; changes: Stream.Stream<A> },
  onValue: (value: A) => void
): () => void {
  const fiber = Effect.runFork(
    source.get.pipe(
      Effect.tap((value) => Effect.sync(() => onValue(value))),
      Effect.zipRight(
        Stream.runForEach(source.changes, (value) => Effect.sync(() => onValue(value)))
      ),
      Effect.catchAllCause(() => Effect.void)
    )
  )
  return () => {
    Effect.runFork(Fiber.interrupt(fiber))
  }
}

export function useSyncIndicator(store: Store<any>): SyncIndicatorState {
  const [inputs, setInputs] = useState<Inputs>(() => ({
    sessionPending: store.syncStatus().pendingCount,
    leaderUnconfirmed: 0,
    connected: false,
    everConnected: false,
    browserOnline: typeof navigator === 'undefined' ? true : navigator.onLine,
  }))

  useEffect(() => {
    const update = (patch: Partial<Inputs>) =>
      setInputs((previous) => {
        const next = { ...previous, ...patch }
        next.everConnected = previous.everConnected || next.connected
        return next
      })

    const leader = store[StoreInternalsSymbol].clientSession.leaderThread
    const stopSession = store.subscribeSyncStatus((status) =>
      update({ sessionPending: status.pendingCount })
    )
    const stopLeader = follow(leader.syncState as any, (state: LeaderSyncState) =>
      update({
        /*
        | Synced events advance the global part of the sequence number; client-only events
        | (this tab's UI state) only the client part, and never go to the server.
        */
        leaderUnconfirmed: Math.max(0, state.localHead.global - state.upstreamHead.global),
      })
    )
    const stopNetwork = follow(leader.networkStatus as any, (status: NetworkStatus) =>
      update({ connected: status.isConnected })
    )
    const onOnline = () => update({ browserOnline: true })
    const onOffline = () => update({ browserOnline: false })
    window.addEventListener('online', onOnline)
    window.addEventListener('offline', onOffline)

    return () => {
      stopSession()
      stopLeader()
      stopNetwork()
      window.removeEventListener('online', onOnline)
      window.removeEventListener('offline', onOffline)
    }
  }, [store])

  return syncPhase(inputs)
}
