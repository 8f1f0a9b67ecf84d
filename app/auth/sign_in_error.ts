import { Exception } from '@adonisjs/core/exceptions'
import type { HttpContext } from '@adonisjs/core/http'

/*
| A sign-in that cannot go on: a forged or replayed callback, a provider
| error, an expired development sign-in. The visitor gets a page in the
| app's style that says what happened and offers to start again, with a 4xx
| status, never a 500. The message is written for people; no token, code or
| internal detail goes into it.
*/
export default class SignInError extends Exception {
  static status = 400
  static code = 'E_SIGN_IN_FAILED'

  constructor(message: string, options: { status?: number; code?: string; cause?: unknown } = {}) {
    super(message, {
      status: options.status ?? SignInError.status,
      code: options.code ?? SignInError.code,
      cause: options.cause,
    })
  }

  async handle(error: this, ctx: HttpContext) {
    ctx.response.status(error.status)
    if (ctx.request.accepts(['html', 'json']) === 'json') {
      return ctx.response.send({ errors: [{ code: error.code, message: error.message }] })
    }
    /* Outside a route handler the rendered page has to be sent by hand. */
    const page = await ctx.inertia.render('auth/sign_in_failed', {
      message: error.message,
      code: error.code!,
    })
    return ctx.response.send(page)
  }
}
