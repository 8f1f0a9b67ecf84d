import type { HttpContext } from '@adonisjs/core/http'

export default class SessionController {
  /*
  | GET /api/session: whether this browser's session still signs someone in.
  | A page asks when one of its WebSockets cannot open: the browser never
  | shows a script the 401 the upgrade was refused with, and "the server is
  | away" must read differently from "you were signed out". Answers the
  | signed-in user's id (a tab can tell another account's session from its
  | own), or 401. Never cached.
  */
  async show({ auth, response }: HttpContext) {
    response.header('cache-control', 'no-store')
    if (!(await auth.check())) {
      return response.unauthorized({
        errors: [{ code: 'E_SIGNED_OUT', message: 'This browser is not signed in.' }],
      })
    }
    return { data: { userId: auth.getUserOrFail().id } }
  }
}
