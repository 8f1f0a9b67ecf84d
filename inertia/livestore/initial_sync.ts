/**
 * A new device's initial sync, as the page and its LiveStore leader worker agree on it.
 *
 * The page knows whether this device already holds a copy of the user's store (its OPFS folder);
 * the leader worker's sync options are fixed when its script starts, before it is told which
 * store it serves. So the page says it in the name it starts the worker with (LiveStore uses the
 * name only in logs): a worker started for a new device blocks its boot until it has pulled
 * everything, a worker for a returning device boots from the local copy at once.
 *
 * A new device blocks only if the sync server answers right now: LiveStore would otherwise wait
 * for its whole timeout before opening a device that is offline (or whose socket is refused),
 * which has nothing to show either way. So the page first opens the sync socket once itself.
 *
 * While a new device blocks, the leader reports its progress on a BroadcastChannel and the page
 * shows it (LiveStore's own boot status reaches the page only once the leader has booted).
 *
 * Light on purpose (no LiveStore, no React): both the page and the worker import it.
 */
import type { PullProgress } from '#shared/livestore/sync_options'

const NEW_DEVICE_SUFFIX = ':new-device'

/** The leader worker's name: LiveStore's own, marked when this device has no copy yet. */
export function leaderWorkerName(name: string, newDevice: boolean) {
  return newDevice ? `${name}${NEW_DEVICE_SUFFIX}` : name
}

/** In the worker: was it started for a device with no local copy? */
export function isNewDeviceWorker(name: string) {
  return name.endsWith(NEW_DEVICE_SUFFIX)
}

export const INITIAL_SYNC_CHANNEL = 'chat:initial-sync'

export type InitialSyncMessage = PullProgress

/** The sync endpoint the leader worker connects to (the page and the worker share the origin). */
export function syncUrl(origin: string) {
  return `${origin.replace(/^http/, 'ws')}/livestore-sync`
}

/**
 * Whether the sync server accepts this store's socket now (opened, then closed at once). False
 * when the browser is offline, the upgrade is refused or cut, or nothing answers in time.
 */
export function syncServerReachable(storeId: string, timeoutMs = 3000): Promise<boolean> {
  if (typeof WebSocket === 'undefined') return Promise.resolve(false)
  if (typeof navigator !== 'undefined' && navigator.onLine === false) return Promise.resolve(false)
  return new Promise((resolve) => {
    let socket: WebSocket
    try {
      socket = new WebSocket(
        `${syncUrl(globalThis.location.origin)}?storeId=${encodeURIComponent(storeId)}&transport=ws`
      )
    } catch {
      return resolve(false)
    }
    const finish = (reachable: boolean) => {
      clearTimeout(timer)
      socket.onopen = socket.onerror = socket.onclose = null
      if (socket.readyState === WebSocket.OPEN || socket.readyState === WebSocket.CONNECTING) {
        socket.close(1000)
      }
      resolve(reachable)
    }
    const timer = setTimeout(() => finish(false), timeoutMs)
    socket.onopen = () => finish(true)
    socket.onerror = () => finish(false)
    socket.onclose = () => finish(false)
  })
}
