import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import { DEV_OIDC_MOUNT_PATH, devProviderEnabled } from '#auth/logto_settings'

/*
| Mounts the development OpenID Connect provider at /oidc. It is a server
| middleware (start/kernel.ts), so it runs before the router and its
| middleware: Adonis' bodyparser never consumes the body oidc-provider reads
| itself, and shield's CSRF check never sees the token endpoint's
| server-to-server POSTs. Those need no Adonis CSRF token: they are
| authenticated with the client secret (token, revocation) or carry
| oidc-provider's own xsrf token bound to its signed session cookie
| (end-session confirm). The provider's sign-in form is ours, an Adonis route
| under /dev-sign-in with the usual CSRF protection.
|
| In production, or with LOGTO_ENDPOINT set, this passes every request on
| and oidc-provider is never even imported.
*/
export default class DevOidcMiddleware {
  #enabled = devProviderEnabled()
  static #handler?: (req: any, res: any) => Promise<void>

  async handle(ctx: HttpContext, next: NextFn) {
    const req = ctx.request.request
    const url = req.url ?? '/'
    const mounted =
      url === DEV_OIDC_MOUNT_PATH ||
      url.startsWith(`${DEV_OIDC_MOUNT_PATH}/`) ||
      url.startsWith(`${DEV_OIDC_MOUNT_PATH}?`)
    if (!this.#enabled || !mounted) return next()

    let handler = DevOidcMiddleware.#handler
    if (!handler) {
      const { devOidcProvider } = await import('#auth/dev_oidc/dev_oidc_provider')
      const provider = await devOidcProvider()
      handler = DevOidcMiddleware.#handler = provider.callback()
    }

    /* What express does for a mounted app: oidc-provider derives its mount path from originalUrl. */
    const raw = req as typeof req & { originalUrl?: string }
    raw.originalUrl = url
    raw.url = url.slice(DEV_OIDC_MOUNT_PATH.length) || '/'
    if (raw.url.startsWith('?')) raw.url = `/${raw.url}`

    /* oidc-provider writes the whole response itself; Adonis then finds nothing pending to send. */
    await handler(req, ctx.response.response)
  }
}
