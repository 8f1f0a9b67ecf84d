/**
 * The device's copy of a user's chats (LiveStore in OPFS) must not outlive their session: signing
 * out shuts the store down in every tab and deletes its files before the sign-out request goes.
 *
 * Deliberately light (no LiveStore import): the account menu on every page calls it, and a page
 * that never opened the store should not download the database engine just to sign out.
 */

/* LiveStore's OPFS directories are `livestore-<storeId>@<format version>`. */
const OPFS_PREFIX = 'livestore-'
/* LiveStore keeps its client and session ids under these keys. */
const STORAGE_PREFIX = 'livestore:'
const CHANNEL = 'chat:local-data'
/* The offline shell's copies of chat pages (public/sw.js): they show the user's name and models. */
const PAGES_CACHE = 'chat-pages-v1'

type Message = { type: 'sign-out' }

type Closer = () => Promise<void>
const closers = new Set<Closer>()

/**
 * Registers how to close the store open in this tab; returns the unregister function. Another
 * tab's sign-out also closes it, and sends this tab to the landing page.
 */
export function registerStoreCloser(close: Closer): () => void {
  closers.add(close)
  return () => closers.delete(close)
}

let channel: BroadcastChannel | undefined
function getChannel() {
  if (!channel && typeof BroadcastChannel !== 'undefined') {
    channel = new BroadcastChannel(CHANNEL)
    channel.addEventListener('message', (event: MessageEvent<Message>) => {
      if (event.data?.type !== 'sign-out') return
      void closeStores().finally(() => window.location.assign('/'))
    })
  }
  return channel
}

/* Listen from the start so that a sign-out in another tab reaches this one. */
if (typeof window !== 'undefined') getChannel()

/* Closing is best effort and bounded: a store that hangs must not keep the user signed in. */
async function closeStores(timeoutMs = 3000) {
  await Promise.race([Promise.allSettled([...closers].map((close) => close())), sleep(timeoutMs)])
}

function sleep(ms: number) {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

async function opfsRoot(): Promise<FileSystemDirectoryHandle | undefined> {
  try {
    return await navigator.storage.getDirectory()
  } catch {
    /* No OPFS (private window): LiveStore kept everything in memory. */
    return undefined
  }
}

/** Names of the LiveStore directories in this origin's OPFS. */
export async function listLocalStores(): Promise<string[]> {
  const root = await opfsRoot()
  if (!root) return []
  const names: string[] = []
  for await (const name of (root as any).keys() as AsyncIterable<string>) {
    if (name.startsWith(OPFS_PREFIX)) names.push(name)
  }
  return names
}

/** Whether this device holds a copy of the store (a LiveStore folder in OPFS). */
export async function hasLocalCopy(storeId: string): Promise<boolean> {
  const present = await listLocalStores()
  return present.some((name) => name.startsWith(`${OPFS_PREFIX}${storeId}@`))
}

/*
| The leader worker holds OPFS access handles until it has shut down, so a removal can fail
| for a moment after the store closed: retry until the deadline.
*/
async function removeDirectories(keep: (name: string) => boolean, deadline: number) {
  const root = await opfsRoot()
  if (!root) return true
  for (;;) {
    const present = await listLocalStores()
    const names = present.filter((name) => !keep(name))
    const failed: string[] = []
    for (const name of names) {
      try {
        await root.removeEntry(name, { recursive: true })
      } catch (error) {
        if ((error as DOMException)?.name !== 'NotFoundError') failed.push(name)
      }
    }
    if (failed.length === 0) return true
    if (Date.now() > deadline) return false
    await sleep(100)
  }
}

function clearStorageKeys(keep: (key: string) => boolean) {
  for (const storage of [window.localStorage, window.sessionStorage]) {
    for (const key of Object.keys(storage)) {
      if (key.startsWith(STORAGE_PREFIX) && !keep(key)) storage.removeItem(key)
    }
  }
}

/**
 * Closes the store in every tab and deletes every LiveStore database of this origin. Resolves
 * `false` if some files were still locked at the deadline; the next app start removes those
 * (see `removeOtherUsersData`).
 */
export async function wipeLocalData({ timeoutMs = 5000 } = {}): Promise<boolean> {
  const deadline = Date.now() + timeoutMs
  getChannel()?.postMessage({ type: 'sign-out' } satisfies Message)
  await closeStores()
  const removed = await removeDirectories(() => false, deadline)
  clearStorageKeys(() => false)
  await deletePageCopies()
  return removed
}

/**
 * Before opening a user's store, deletes what another account left on this device (a sign-out
 * that could not finish, a session that expired): one person's chats never sit next to another's.
 */
export async function removeOtherUsersData(storeId: string): Promise<void> {
  const own = (name: string) => name.startsWith(`${OPFS_PREFIX}${storeId}@`)
  const present = await listLocalStores()
  const stale = present.filter((name) => !own(name))
  if (stale.length === 0) return
  await removeDirectories(own, Date.now() + 2000)
  clearStorageKeys((key) => key.endsWith(`:${storeId}`))
  await deletePageCopies()
}

async function deletePageCopies() {
  try {
    await globalThis.caches?.delete(PAGES_CACHE)
  } catch {
    /* No Cache API here (an insecure origin): there are no copies either. */
  }
}
