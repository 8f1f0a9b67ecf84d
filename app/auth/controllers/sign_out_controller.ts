import { inject } from '@adonisjs/core'
import type { HttpContext } from '@adonisjs/core/http'
import LogtoService from '#auth/services/logto_service'
import ActivityLogService from '#audit/services/activity_log_service'
import { postSignOutUrl } from '#auth/logto_settings'

@inject()
export default class SignOutController {
  constructor(
    protected logto: LogtoService,
    protected activity: ActivityLogService
  ) {}

  /*
  | POST /sign-out (CSRF-checked by shield): ends the local session, then
  | Logto's session through its end-session endpoint, which sends the browser
  | back to the landing page.
  */
  async handle({ request, response, session, auth, logger, inertia }: HttpContext) {
    const user = auth.user
    if (!user) {
      session.clear()
      return response.redirect('/')
    }

    let endSessionUrl = postSignOutUrl()
    try {
      endSessionUrl = await this.logto.signOut(session)
    } catch (error) {
      /* Logto unreachable: the local sign-out still happens; its session ends on its own. */
      logger.warn({ err: error }, 'Logto end-session unavailable during sign-out')
    }

    await auth.use('web').logout()
    await this.activity.record('user.signed_out', {
      userId: user.id,
      details: { ip: request.ip() },
    })
    session.clear()
    /* Logto's end-session page is not an Inertia page: an Inertia request gets a full visit. */
    if (request.header('x-inertia')) return inertia.location(endSessionUrl)
    return response.redirect(endSessionUrl)
  }
}
