import { createRequire } from 'node:module'
import { WebSocket as WsWebSocket, type RawData } from 'ws'
import { makeAdapter } from '@livestore/adapter-node'
import {
  createStorePromise,
  makeShutdownDeferred,
  StoreInternalsSymbol,
  type Store,
} from '@livestore/livestore'
import { makeWsSync } from '@livestore/sync-cf/client'
import { Deferred, Effect, LogLevel } from '@livestore/utils/effect'
import env from '#start/env'
import User from '#models/user'
import { schema, storeIdForUser } from '#shared/livestore/schema'
import { signIn } from '#tests/helpers/sign_in'
import type { BrowserSession } from '#tests/helpers/browser_session'

/*
| Helpers for the sync endpoint's functional tests: a signed-in user (real
| sign-in over HTTP), LiveStore's own client (adapter-node, in memory, synced
| by the stock makeWsSync) and a raw frame-level client (the `ws` package).
*/

export const appUrl = () => env.get('APP_URL').replace(/\/+$/, '')
export const appOrigin = () => new URL(appUrl()).origin
export const syncUrl = () => `${appUrl().replace(/^http/, 'ws')}/livestore-sync`

export interface SyncUser {
  id: string
  email: string
  storeId: string
  /* Cookie + forwarding headers of the signed-in session. */
  headers: Record<string, string>
  /* The scripted browser that signed in (to sign out, or read fresh headers). */
  session: BrowserSession
}

let emailCounter = 0

export async function signedInUser(prefix = 'sync'): Promise<SyncUser> {
  const email = `${prefix}-${Date.now()}-${process.pid}-${emailCounter++}@example.com`
  const signedIn = await signIn(email)
  const user = await User.findByOrFail('email', signedIn.email)
  const headers = signedIn.session.headers('/livestore-sync')
  return {
    id: user.id,
    email: signedIn.email,
    storeId: storeIdForUser(user.id),
    headers,
    session: signedIn.session,
  }
}

/*
| The stock client opens its socket with `new globalThis.WebSocket(url)`; a
| browser adds the cookie and Origin by itself. Node's own WebSocket cannot
| send headers, so during these tests the global is the `ws` package's
| (same browser-style API) adding them, chosen by the `device` field of the
| store's syncPayload (which the client puts in the URL).
*/
interface DeviceLink {
  headers: Record<string, string>
  /* Overrides the sync URL (a second server process). */
  url?: string
  /* Offline: new sockets fail to connect. */
  blocked: boolean
  sockets: Set<WsWebSocket>
  /* Every frame the server sent this device. */
  received: any[]
  /* Both directions, in order (for diagnosing a failure). */
  trace: string[]
  /* While set, pull chunks are held back (a slow downlink); other frames pass. */
  holdChunks: boolean
  held: Array<() => void>
}

const links = new Map<string, DeviceLink>()
const NativeWebSocket = globalThis.WebSocket

class CookieWebSocket extends WsWebSocket {
  #link: DeviceLink | undefined

  send(data: any, ...rest: any[]) {
    this.#link?.trace.push(`-> ${String(data).slice(0, 2000)}`)
    return (super.send as any)(data, ...rest)
  }

  /* Effect's socket listens with addEventListener('message'): the hold-back happens here. */
  addEventListener(type: string, listener: any, options?: any) {
    const link = this.#link
    if (type !== 'message' || !link) return super.addEventListener(type as any, listener, options)
    const wrapped = (event: { data: unknown }) => {
      if (link.holdChunks && String(event.data).startsWith('{"_tag":"Chunk"')) {
        link.held.push(() => listener.call(this, event))
        return
      }
      return listener.call(this, event)
    }
    return super.addEventListener('message', wrapped as any, options)
  }

  constructor(url: string | URL, protocols?: string | string[]) {
    const parsed = new URL(url)
    let device = ''
    try {
      // The client encodes the payload twice (StringFromUriComponent, then the URL).
      device =
        JSON.parse(decodeURIComponent(parsed.searchParams.get('payload') ?? 'null'))?.device ?? ''
    } catch {}
    const link = links.get(device)
    let target = parsed.href
    if (link?.url) target = `${link.url}${parsed.search}`
    // A closed port: the client sees a network failure and retries, as when offline.
    if (link?.blocked) target = 'ws://127.0.0.1:9/'
    super(target, protocols, { headers: link?.headers ?? {} })
    this.#link = link
    if (link) {
      link.sockets.add(this)
      this.on('close', () => link.sockets.delete(this))
      this.on('message', (data: RawData) => {
        try {
          link.received.push(JSON.parse(data.toString()))
        } catch {}
        link.trace.push(`<- ${data.toString().slice(0, 2000)}`)
      })
    }
  }
}

export function installCookieWebSocket() {
  globalThis.WebSocket = CookieWebSocket as any
}

export function restoreWebSocket() {
  globalThis.WebSocket = NativeWebSocket
}

let deviceCounter = 0

export interface DeviceOptions {
  /* Store to open; defaults to the user's own. */
  storeId?: string
  headers?: Record<string, string>
  /* Sync endpoint base (ws://host:port/livestore-sync) when not this test server. */
  url?: string
  /* Keep the device's data on disk here (to reopen it later); in memory otherwise. */
  directory?: string
  /* Reuse a device name (to reopen a device kept on disk). */
  name?: string
  /* Another schema than the app's (e.g. one whose materializer fails on purpose). */
  schema?: typeof schema
}

/* A LiveStore client ("device") of `user`, synced to our server by the stock makeWsSync client. */
export async function openDevice(user: SyncUser, options: DeviceOptions = {}) {
  const device = options.name ?? `device-${process.pid}-${deviceCounter++}`
  const link: DeviceLink = {
    headers: options.headers ?? {
      ...user.headers,
      origin: options.url ? new URL(options.url.replace(/^ws/, 'http')).origin : appOrigin(),
    },
    url: options.url,
    blocked: false,
    sockets: new Set(),
    received: [],
    trace: [],
    holdChunks: false,
    held: [],
  }
  links.set(device, link)
  const adapter = makeAdapter({
    storage: options.directory
      ? { type: 'fs', baseDirectory: options.directory }
      : { type: 'in-memory' },
    clientId: device,
    sessionId: 'session',
    sync: {
      backend: makeWsSync({ url: syncUrl() }),
      initialSyncOptions: { _tag: 'Blocking', timeout: 10_000 },
      // A sync error must surface in a test, not stop syncing silently (the default).
      onSyncError: 'shutdown',
    },
  })
  // Resolved when the store stops, on its own (a sync error) or closed.
  const shutdownDeferred = await Effect.runPromise(makeShutdownDeferred)
  const store = await createStorePromise({
    adapter,
    shutdownDeferred,
    schema: options.schema ?? schema,
    storeId: options.storeId ?? user.storeId,
    syncPayload: { device },
    disableDevtools: true,
    logLevel: process.env.SYNC_CLIENT_DEBUG ? LogLevel.Debug : LogLevel.Warning,
  })
  return {
    store,
    device,
    /* Frames this device received from the server. */
    received: link.received,
    trace: link.trace,
    /* Cuts the network: open sockets drop, new ones fail until goOnline(). */
    goOffline() {
      link.blocked = true
      for (const socket of link.sockets) socket.terminate()
    },
    goOnline() {
      link.blocked = false
    },
    /* Holds back live pull chunks from the server (pushes and their answers still flow). */
    holdChunks() {
      link.holdChunks = true
    },
    releaseChunks() {
      link.holdChunks = false
      for (const deliver of link.held.splice(0)) deliver()
    },
    /*
    | The leader's copy of the state (what a reload boots from), read from a
    | snapshot of its database: `rows('chats')`. The page's own copy is
    | `store.query`; the two must hold the same rows.
    */
    async leaderState() {
      const snapshot = await Effect.runPromise(
        store[StoreInternalsSymbol].clientSession.leaderThread.export
      )
      const leaderDb = new SnapshotDatabase(Buffer.from(snapshot))
      return {
        rows: (table: string) => leaderDb.prepare(`SELECT * FROM "${table}"`).all(),
        close: () => leaderDb.close(),
      }
    },
    /* The store stopped by itself (onSyncError: 'shutdown') or was closed. */
    stopped() {
      return Effect.runSync(Deferred.isDone(shutdownDeferred))
    },
    async close() {
      if (!Effect.runSync(Deferred.isDone(shutdownDeferred))) await store.shutdownPromise()
      for (const socket of link.sockets) socket.terminate()
      links.delete(device)
    },
  }
}

export type Device = Awaited<ReturnType<typeof openDevice>>

/* better-sqlite3 (the app's own driver, without type declarations here) opens a snapshot buffer. */
interface SnapshotDb {
  prepare(sql: string): { all(): Record<string, unknown>[] }
  close(): void
}
const SnapshotDatabase = createRequire(import.meta.url)('better-sqlite3') as new (
  snapshot: Buffer
) => SnapshotDb
export type AppStore = Store<typeof schema>

/* Polls `check` until it returns true, or fails with `message` after `timeoutMs`. */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  message: string,
  timeoutMs = 10_000
) {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (await check()) return
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  throw new Error(`Timed out waiting: ${message}`)
}

/* A frame-level client: sends JSON frames, collects every answer. */
export class RawSyncClient {
  frames: any[] = []
  closeCode: number | null = null
  #waiters: Array<() => void> = []

  constructor(readonly ws: WsWebSocket) {
    ws.on('message', (data: RawData) => {
      this.frames.push(JSON.parse(data.toString()))
      this.#notify()
    })
    ws.on('close', (code) => {
      this.closeCode = code
      this.#notify()
    })
  }

  static async connect(
    user: SyncUser,
    options: { storeId?: string; headers?: Record<string, string> } = {}
  ) {
    const storeId = options.storeId ?? user.storeId
    const ws = new WsWebSocket(`${syncUrl()}?storeId=${encodeURIComponent(storeId)}&transport=ws`, {
      headers: options.headers ?? { ...user.headers, origin: appOrigin() },
    })
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve())
      ws.once('error', reject)
      ws.once('unexpected-response', (_req, res) =>
        reject(new Error(`upgrade refused: ${res.statusCode}`))
      )
    })
    return new RawSyncClient(ws)
  }

  /* The HTTP status a refused upgrade gets (null if it was accepted). */
  static async upgradeStatus(url: string, headers: Record<string, string>): Promise<number | null> {
    const ws = new WsWebSocket(url, { headers })
    return new Promise((resolve, reject) => {
      ws.once('open', () => {
        ws.close()
        resolve(null)
      })
      ws.once('unexpected-response', (_req, res) => {
        resolve(res.statusCode ?? 0)
        res.resume()
        ws.terminate()
      })
      ws.once('error', (error) => {
        if (!(error as any).message?.includes('Unexpected server response')) reject(error)
      })
    })
  }

  send(frame: unknown) {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame))
  }

  #notify() {
    const waiters = this.#waiters
    this.#waiters = []
    for (const wake of waiters) wake()
  }

  /* Waits for a frame matching `predicate` (searching those already received first). */
  async next(predicate: (frame: any) => boolean, timeoutMs = 10_000): Promise<any> {
    const deadline = Date.now() + timeoutMs
    let seen = 0
    for (;;) {
      for (; seen < this.frames.length; seen++) {
        if (predicate(this.frames[seen])) return this.frames.splice(seen, 1)[0]
      }
      if (this.closeCode !== null)
        throw new Error(`socket closed (${this.closeCode}) before the frame came`)
      const left = deadline - Date.now()
      if (left <= 0) throw new Error('Timed out waiting for a frame')
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left)
        this.#waiters.push(() => {
          clearTimeout(timer)
          resolve()
        })
      })
    }
  }

  async closed(timeoutMs = 10_000): Promise<number> {
    await waitFor(() => this.closeCode !== null, 'socket close', timeoutMs)
    return this.closeCode!
  }

  close() {
    this.ws.close()
  }
}

let requestCounter = 0
export const nextRequestId = () => String(++requestCounter)

export function pullFrame(
  id: string,
  storeId: string,
  cursor?: { backendId: string; seq: number },
  live = true
) {
  return {
    _tag: 'Request',
    id,
    tag: 'SyncWsRpc.Pull',
    payload: {
      storeId,
      live,
      cursor: cursor
        ? { _tag: 'Some', value: { backendId: cursor.backendId, eventSequenceNumber: cursor.seq } }
        : { _tag: 'None' },
    },
    headers: [],
  }
}

export function pushFrame(
  id: string,
  storeId: string,
  batch: Array<{ name: string; args: unknown; seqNum: number; parentSeqNum: number }>,
  backendId?: string
) {
  return {
    _tag: 'Request',
    id,
    tag: 'SyncWsRpc.Push',
    payload: {
      storeId,
      batch: batch.map((event) => ({ clientId: 'raw', sessionId: 'raw', ...event })),
      backendId: backendId ? { _tag: 'Some', value: backendId } : { _tag: 'None' },
    },
    headers: [],
  }
}
