import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import type { Authenticators } from '@adonisjs/auth/types'

/*
| Signed-out visitors are sent to sign-in, which brings them back to the
| page they asked for (a same-site path only).
*/
export default class AuthMiddleware {
  async handle(
    ctx: HttpContext,
    next: NextFn,
    options: { guards?: (keyof Authenticators)[] } = {}
  ) {
    const returnTo = ctx.request.method() === 'GET' ? ctx.request.url(true) : '/chat'
    const loginRoute = `/sign-in?return_to=${encodeURIComponent(returnTo)}`
    await ctx.auth.authenticateUsing(options.guards, { loginRoute })
    return next()
  }
}
