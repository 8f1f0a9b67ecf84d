import { ServerResponse, type IncomingMessage } from 'node:http'
import app from '@adonisjs/core/services/app'
import server from '@adonisjs/core/services/server'
import SessionMiddleware from '@adonisjs/session/session_middleware'

export interface SyncUser {
  id: string
  /* The session the socket was opened with (its sockets close when it signs out). */
  sessionId: string
}

/*
| Authenticates a WebSocket upgrade with the same session cookie and the same
| machinery as an HTTP request: an HttpContext is built around the upgrade
| request, the session middleware reads (and verifies/decrypts) the cookie,
| and the `web` session guard loads the user. Nothing is sent on the
| throw-away response, so the session is never written from here.
*/
export class SyncSessionAuthenticator {
  async authenticate(req: IncomingMessage): Promise<SyncUser | null> {
    const res = new ServerResponse(req)
    const resolver = app.container.createResolver()
    const ctx = server.createHttpContext(
      server.createRequest(req, res),
      server.createResponse(req, res),
      resolver
    )
    const sessionMiddleware = await resolver.make(SessionMiddleware)

    let user: SyncUser | null = null
    await sessionMiddleware.handle(ctx, async () => {
      const authManager = await resolver.make('auth.manager')
      ctx.auth = authManager.createAuthenticator(ctx)
      const guard = ctx.auth.use('web')
      if (await guard.check()) {
        user = { id: String(guard.getUserOrFail().id), sessionId: ctx.session.sessionId }
      }
    })
    return user
  }
}
