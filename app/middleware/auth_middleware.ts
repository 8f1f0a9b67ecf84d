import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import type { Authenticators } from '@adonisjs/auth/types'
import { errors as authErrors } from '@adonisjs/auth'

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
    try {
      await ctx.auth.authenticateUsing(options.guards, { loginRoute })
    } catch (error) {
      /*
      | The stock handler appends the current query string to loginRoute,
      | which would corrupt return_to ("/sign-in?return_to=%2Fchat%3Fa%3D1?a=1").
      | Pages get a clean redirect; JSON clients keep the stock 401.
      */
      const wantsPage = [null, 'html'].includes(ctx.request.accepts(['html', 'json']))
      if (error instanceof authErrors.E_UNAUTHORIZED_ACCESS && wantsPage) {
        return ctx.response.redirect(loginRoute)
      }
      throw error
    }
    return next()
  }
}
