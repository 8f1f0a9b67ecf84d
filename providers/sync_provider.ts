import type { ApplicationService } from '@adonisjs/core/types'
import type { Server as HttpServer } from 'node:http'
import type { Server as HttpsServer } from 'node:https'
import ActivityLogService from '#audit/services/activity_log_service'
import { SyncService } from '#sync/services/sync_service'
import { SyncSocketServer } from '#sync/services/sync_socket_server'

/*
| The sync server lives once per process: SyncService (heads, write queues,
| live listeners) and the `/livestore-sync` WebSocket endpoint on Adonis' own
| HTTP server.
*/
export default class SyncProvider {
  #sockets: SyncSocketServer | undefined

  constructor(protected app: ApplicationService) {}

  register() {
    this.app.container.singleton(SyncService, () => new SyncService())
    this.app.container.singleton(SyncSocketServer, async (resolver) => {
      return new SyncSocketServer(
        await resolver.make(SyncService),
        await resolver.make(ActivityLogService)
      )
    })
  }

  /*
  | The Node HTTP server is created after the providers start: by the Ignitor
  | for `node ace serve`/bin/server.ts, and by testUtils.httpServer().start()
  | in tests (which emits no "http:server_ready"). Both hand it to
  | server.setNodeServer(), so that is where the endpoint attaches.
  */
  async start() {
    const environment = this.app.getEnvironment()
    if (environment !== 'web' && environment !== 'test') return

    const server = await this.app.container.make('server')
    const sockets = await this.app.container.make(SyncSocketServer)
    this.#sockets = sockets
    const existing = server.getNodeServer()
    if (existing) sockets.attach(existing)

    // A signed-out session keeps no live sync socket (cookie sessions cannot be revoked server-side).
    const emitter = await this.app.container.make('emitter')
    emitter.on('session_auth:logged_out', ({ sessionId }) => sockets.disconnectSession(sessionId))

    const setNodeServer = server.setNodeServer.bind(server)
    server.setNodeServer = (nodeServer: HttpServer | HttpsServer) => {
      setNodeServer(nodeServer)
      sockets.attach(nodeServer)
    }
  }

  async shutdown() {
    this.#sockets?.close()
  }
}
