import { useEffect, useState } from 'react'
import { INITIAL_SYNC_CHANNEL, type InitialSyncMessage } from '~/livestore/initial_sync'

/**
 * A new device's initial sync as its leader worker reports it, for the page shown while the
 * store is still booting; null until the first page of the catch-up arrives (and on a returning
 * device, which does not wait).
 */
export function useInitialSyncProgress(storeId: string): InitialSyncMessage | null {
  const [progress, setProgress] = useState<InitialSyncMessage | null>(null)
  useEffect(() => {
    if (typeof BroadcastChannel === 'undefined') return
    const channel = new BroadcastChannel(INITIAL_SYNC_CHANNEL)
    channel.onmessage = (event: MessageEvent<InitialSyncMessage>) => {
      if (event.data?.storeId === storeId) setProgress(event.data)
    }
    return () => channel.close()
  }, [storeId])
  return progress
}

/** 0-100, or null while the total is unknown. */
export function initialSyncPercent(progress: InitialSyncMessage): number | null {
  if (progress.caughtUp) return 100
  if (!progress.total) return null
  return Math.min(99, Math.floor((progress.received / progress.total) * 100))
}
