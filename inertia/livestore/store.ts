/**
 * The signed-in user's LiveStore: one store per user (`user-<id>`), persisted in OPFS by a leader
 * worker and shared between tabs by a shared worker, synced with our server by the worker.
 */
import { use } from 'react'
import { unstable_batchedUpdates as batchUpdates } from 'react-dom'
import { makePersistedAdapter } from '@livestore/adapter-web'
import LiveStoreSharedWorker from '@livestore/adapter-web/shared-worker?sharedworker'
import { StoreRegistry, storeOptions, type Store } from '@livestore/livestore'
import { useStore, type ReactApi } from '@livestore/react'
import { schema } from '#shared/livestore/schema'
import LiveStoreWorker from './livestore.worker.ts?worker'
import { leaderWorkerName, syncServerReachable } from './initial_sync'
import { hasLocalCopy, registerStoreCloser, removeOtherUsersData } from './local_data'

export type ChatStore = Store<typeof schema> & ReactApi

export const chatStoreId = (userId: string) => `user-${userId}`

/*
| Whether the next leader worker serves a device without a local copy (see initial_sync.ts).
| Decided before the store opens (prepareDevice) and cleared once it has booted: a leader started
| later by this page (another tab that held the lock closed) finds the copy.
*/
let newDevice = false

const adapter = makePersistedAdapter({
  storage: { type: 'opfs' },
  worker: (options: { name: string }) =>
    new LiveStoreWorker({ name: leaderWorkerName(options.name, newDevice) }),
  sharedWorker: LiveStoreSharedWorker,
})

/*
| One registry for the page's lifetime: Inertia swaps page components, the store stays open.
| Kept open while unused for a few minutes so moving between the chat and settings pages does
| not reboot it.
*/
export const storeRegistry = new StoreRegistry({
  defaultOptions: { batchUpdates, unusedCacheTime: 5 * 60_000 },
})

export const chatStoreOptions = (userId: string) =>
  storeOptions({
    storeId: chatStoreId(userId),
    schema,
    adapter,
    /*
    | No sync payload: it would travel in the socket URL. The server knows the user from the
    | session cookie on the upgrade request.
    */
    /* The devtools need their Vite plugin, which this app does not use. */
    disableDevtools: true,
  })

/* Signing out (here or in another tab) shuts every store this page opened down. */
const openStores = new Set<ChatStore>()
registerStoreCloser(async () => {
  await Promise.allSettled([...openStores].map((store) => store.shutdownPromise()))
})

const devicePrepared = new Map<string, Promise<void>>()

/*
| Once per page: clear what another account left on this device before opening this one's, and
| find out whether this device holds a copy of this one's.
*/
function prepareDevice(storeId: string) {
  let prepared = devicePrepared.get(storeId)
  if (!prepared) {
    prepared = removeOtherUsersData(storeId)
      .catch(() => {})
      .then(async () => {
        // A new device waits for its first sync only while the server answers (initial_sync.ts).
        newDevice = !(await hasLocalCopy(storeId)) && (await syncServerReachable(storeId))
      })
      .catch(() => {
        newDevice = false
      })
    devicePrepared.set(storeId, prepared)
  }
  return prepared
}

/**
 * Suspends until the user's store has booted: from the device's own copy, or on a new device
 * once everything has been pulled.
 */
export function useChatStore(userId: string): ChatStore {
  use(prepareDevice(chatStoreId(userId)))
  const store = useStore(chatStoreOptions(userId)) as ChatStore
  newDevice = false
  openStores.add(store)
  return store
}
