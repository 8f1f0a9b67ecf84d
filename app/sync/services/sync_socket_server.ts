import type { IncomingMessage, Server as HttpServer } from 'node:http'
import type { Server as HttpsServer } from 'node:https'
import type { Duplex } from 'node:stream'
import { WebSocketServer, type WebSocket } from 'ws'
import logger from '@adonisjs/core/services/logger'
import env from '#start/env'
import { storeIdForUser } from '#shared/livestore/schema'
import type ActivityLogService from '#audit/services/activity_log_service'
import { SYNC_CLOSE, SYNC_LIMITS, SYNC_PATH } from '#sync/sync_limits'
import type { SyncService } from '#sync/services/sync_service'
import { SyncConnection } from '#sync/services/sync_connection'
import { SyncSessionAuthenticator, type SyncUser } from '#sync/services/sync_session_authenticator'

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  500: 'Internal Server Error',
}

/*
| The `/livestore-sync` endpoint on Adonis' own HTTP server. An upgrade is
| accepted only with a valid session cookie, a same-site Origin and the
| session user's own store in the URL; otherwise it is answered with a plain
| 400/401/403 and the socket is closed.
*/
export class SyncSocketServer {
  #wss = new WebSocketServer({
    noServer: true,
    maxPayload: SYNC_LIMITS.maxFrameBytes,
    // JSON compresses well but deflate costs ~300 KB of memory per socket.
    perMessageDeflate: false,
  })
  #attached = new WeakSet<object>()
  #appOrigin: string
  /* Open sockets by session id and by user id, to close them at sign-out. */
  #bySession = new Map<string, Set<WebSocket>>()
  #byUser = new Map<string, Set<WebSocket>>()

  constructor(
    protected sync: SyncService,
    protected activityLog: ActivityLogService,
    protected authenticator = new SyncSessionAuthenticator()
  ) {
    this.#appOrigin = new URL(env.get('APP_URL')).origin
  }

  attach(httpServer: HttpServer | HttpsServer) {
    if (this.#attached.has(httpServer)) return
    this.#attached.add(httpServer)
    httpServer.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      // Other upgrade listeners (Vite's HMR in development) own every other path.
      if (pathOf(req) !== SYNC_PATH) return
      this.#upgrade(req, socket, head).catch((error) => {
        logger.error({ err: error }, 'sync upgrade failed')
        refuse(socket, 500)
      })
    })
  }

  /* Open sync sockets (for tests and benchmarks). */
  get connectionCount() {
    return this.#wss.clients.size
  }

  /* Closes every sync socket; clients reconnect with backoff. */
  close() {
    for (const client of this.#wss.clients) {
      client.close(SYNC_CLOSE.shuttingDown, 'server shutting down')
    }
  }

  /* Closes the sockets opened with this session (it signed out); returns how many. */
  disconnectSession(sessionId: string) {
    return closeAll(this.#bySession.get(sessionId), SYNC_CLOSE.signedOut, 'signed out')
  }

  /* Closes every socket of a user (e.g. an account deleted or disabled); returns how many. */
  disconnectUser(userId: string) {
    return closeAll(this.#byUser.get(userId), SYNC_CLOSE.signedOut, 'signed out')
  }

  #track(ws: WebSocket, user: SyncUser) {
    const add = (map: Map<string, Set<WebSocket>>, key: string) => {
      let set = map.get(key)
      if (!set) map.set(key, (set = new Set()))
      set.add(ws)
    }
    const remove = (map: Map<string, Set<WebSocket>>, key: string) => {
      const set = map.get(key)
      set?.delete(ws)
      if (set?.size === 0) map.delete(key)
    }
    add(this.#bySession, user.sessionId)
    add(this.#byUser, user.id)
    ws.once('close', () => {
      remove(this.#bySession, user.sessionId)
      remove(this.#byUser, user.id)
    })
  }

  async #upgrade(req: IncomingMessage, socket: Duplex, head: Buffer) {
    // A client hanging up during authentication must not become an unhandled error.
    socket.on('error', () => socket.destroy())

    if (!this.#originAllowed(req)) return refuse(socket, 403)

    const user = await this.authenticator.authenticate(req)
    if (!user) return refuse(socket, 401)

    const requestedStoreId = new URL(req.url ?? '/', 'http://localhost').searchParams.get('storeId')
    if (!requestedStoreId) return refuse(socket, 400)
    const storeId = storeIdForUser(user.id)
    if (requestedStoreId !== storeId) {
      await this.#storeDenied(user.id, requestedStoreId, 'open')
      return refuse(socket, 403)
    }
    if (socket.destroyed) return

    this.#wss.handleUpgrade(req, socket, head, (ws) => {
      this.#track(ws, user)
      new SyncConnection(ws, {
        userId: user.id,
        storeId,
        sync: this.sync,
        onStoreDenied: (requested, rpc) => void this.#storeDenied(user.id, requested, rpc),
      })
    })
  }

  /*
  | Browsers always send Origin on a WebSocket upgrade; it must be this app
  | (APP_URL, or the host the request was sent to when behind a proxy that
  | keeps Host), which stops other sites from riding the session cookie.
  */
  #originAllowed(req: IncomingMessage) {
    const origin = req.headers.origin
    if (!origin) return false
    let parsed: URL
    try {
      parsed = new URL(origin)
    } catch {
      return false
    }
    if (parsed.origin === this.#appOrigin) return true
    return req.headers.host !== undefined && parsed.host === req.headers.host
  }

  async #storeDenied(userId: string, requestedStoreId: string, rpc: string) {
    try {
      await this.activityLog.record('sync.store_denied', {
        userId,
        details: { requestedStoreId: requestedStoreId.slice(0, 200), rpc },
      })
    } catch (error) {
      logger.error({ err: error }, 'could not record sync.store_denied')
    }
  }
}

function closeAll(sockets: Set<WebSocket> | undefined, code: number, reason: string) {
  if (!sockets) return 0
  const count = sockets.size
  for (const ws of [...sockets]) ws.close(code, reason)
  return count
}

function pathOf(req: IncomingMessage) {
  const url = req.url ?? '/'
  const query = url.indexOf('?')
  return query === -1 ? url : url.slice(0, query)
}

function refuse(socket: Duplex, status: number) {
  if (socket.destroyed) return
  socket.once('finish', () => socket.destroy())
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? 'Error'}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`
  )
}
