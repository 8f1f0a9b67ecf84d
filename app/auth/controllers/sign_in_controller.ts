import { inject } from '@adonisjs/core'
import type { HttpContext } from '@adonisjs/core/http'
import LogtoService from '#auth/services/logto_service'
import AccountService from '#auth/services/account_service'
import { appUrl } from '#auth/logto_settings'
import { callbackQueryValidator, safeReturnPath } from '#auth/validators/sign_in_validators'
import SignInError from '#auth/sign_in_error'

@inject()
export default class SignInController {
  constructor(
    protected logto: LogtoService,
    protected accounts: AccountService
  ) {}

  /* GET /sign-in?return_to=/path: off to Logto (or the development provider). */
  async show({ request, response, session, auth, inertia }: HttpContext) {
    const returnPath = await safeReturnPath(request.input('return_to'))
    if (auth.user) return response.redirect(returnPath)

    const url = await this.logto.startSignIn(session, returnPath)
    /* An Inertia visit cannot follow a redirect to another site's page: ask for a full visit. */
    if (request.header('x-inertia')) return inertia.location(url)
    return response.redirect(url)
  }

  /* GET /sign-in/callback?code&state: verify, upsert the local user, sign in to the session guard. */
  async callback({ request, response, session, auth }: HttpContext) {
    const [invalid] = await callbackQueryValidator.tryValidate(request.qs())
    if (invalid) {
      throw new SignInError('The sign-in response was malformed. Please sign in again.', {
        cause: invalid,
      })
    }

    /* Rebuilt from APP_URL, not the Host header, so it must match the registered redirect URI. */
    const callbackUrl = new URL(request.url(true), `${appUrl()}/`).href
    const { claims, returnPath } = await this.logto.finishSignIn(session, callbackUrl)

    const { user } = await this.accounts.upsertFromClaims(claims, {
      ip: request.ip(),
      provider: this.logto.usesDevelopmentProvider ? 'development' : 'logto',
    })
    await auth.use('web').login(user)

    return response.redirect(await safeReturnPath(returnPath))
  }
}
