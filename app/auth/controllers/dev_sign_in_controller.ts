/// <reference path="../dev_oidc/oidc_provider.d.ts" />
import type { HttpContext } from '@adonisjs/core/http'
import type { InteractionDetails, Provider } from 'oidc-provider'
import SignInError from '#auth/sign_in_error'
import {
  DEV_INTERACTION_PATH,
  devAccounts,
  devOidcProvider,
} from '#auth/dev_oidc/dev_oidc_provider'
import { devSignInValidator } from '#auth/validators/sign_in_validators'

/*
| The development provider's sign-in page ("interaction" in OIDC terms):
| asks for an email and an optional display name; the account appears on
| first use. Consent is granted automatically: the only client is this app.
|
| The POST is protected twice: Adonis' CSRF token (these are ordinary routes)
| and oidc-provider's interaction binding, which only accepts the browser
| holding the signed interaction cookie for this uid.
*/
export default class DevSignInController {
  async show(ctx: HttpContext) {
    const provider = await devOidcProvider()
    const details = await this.#interaction(ctx, provider)

    if (details.prompt.name === 'login') {
      return ctx.inertia.render('auth/dev_sign_in', {
        action: `${DEV_INTERACTION_PATH}/${details.uid}`,
        csrfToken: ctx.request.csrfToken,
        emailHint: typeof details.params.login_hint === 'string' ? details.params.login_hint : '',
      })
    }

    /* Already signed in at the provider; only consent is asked: grant it. */
    const accountId = details.session?.accountId
    if (details.prompt.name !== 'consent' || !accountId) {
      throw new SignInError('The development sign-in cannot continue. Please sign in again.')
    }
    const grantId = await this.#grant(provider, details, accountId)
    const returnTo = await provider.interactionResult(
      ctx.request.request,
      ctx.response.response,
      { consent: { grantId } },
      { mergeWithLastSubmission: true }
    )
    return ctx.response.redirect(returnTo)
  }

  async store(ctx: HttpContext) {
    const provider = await devOidcProvider()
    const details = await this.#interaction(ctx, provider)
    if (details.prompt.name !== 'login') {
      return ctx.response.redirect(`${DEV_INTERACTION_PATH}/${details.uid}`)
    }

    const { email, name } = await ctx.request.validateUsing(devSignInValidator)
    const account = devAccounts.remember(email, name)
    const grantId = await this.#grant(provider, details, account.accountId)
    const returnTo = await provider.interactionResult(
      ctx.request.request,
      ctx.response.response,
      { login: { accountId: account.accountId }, consent: { grantId } },
      { mergeWithLastSubmission: false }
    )
    return ctx.response.redirect(returnTo)
  }

  async #interaction(ctx: HttpContext, provider: Provider): Promise<InteractionDetails> {
    let details: InteractionDetails
    try {
      details = await provider.interactionDetails(ctx.request.request, ctx.response.response)
    } catch (error) {
      throw new SignInError(
        'This sign-in page has expired or was opened in another browser. Please sign in again.',
        {
          status: 400,
          code: 'E_DEV_SIGN_IN_EXPIRED',
          cause: error,
        }
      )
    }
    if (details.uid !== ctx.params.uid) {
      throw new SignInError(
        'This sign-in page does not match your sign-in. Please sign in again.',
        {
          code: 'E_DEV_SIGN_IN_MISMATCH',
        }
      )
    }
    return details
  }

  /* The grant the app asked for (its scopes), for this account. */
  async #grant(
    provider: Provider,
    details: InteractionDetails,
    accountId: string
  ): Promise<string> {
    const clientId = String(details.params.client_id ?? '')
    const existing = details.grantId ? await provider.Grant.find(details.grantId) : undefined
    const grant = existing ?? new provider.Grant({ accountId, clientId })
    if (typeof details.params.scope === 'string') grant.addOIDCScope(details.params.scope)
    return grant.save()
  }
}
