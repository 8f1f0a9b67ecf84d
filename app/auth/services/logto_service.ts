import type { Session } from '@adonisjs/session'
import LogtoClient, {
  LogtoClientError,
  LogtoError,
  LogtoRequestError,
  UserScope,
} from '@logto/node'
import type { IdTokenClaims } from '@logto/node'
import SignInError from '#auth/sign_in_error'
import LogtoSessionStorage from '#auth/services/logto_session_storage'
import {
  logtoSettings,
  postSignOutUrl,
  signInCallbackUrl,
  type LogtoSettings,
} from '#auth/logto_settings'

/*
| The one place that talks to Logto (or to the development provider, which
| speaks the same protocol): start a sign-in, finish it from the callback,
| end it. A LogtoClient is built per request around that request's session;
| its navigation is captured, not performed, and answered with a redirect by
| the controller.
*/
export default class LogtoService {
  protected settings: LogtoSettings = logtoSettings()

  get usesDevelopmentProvider() {
    return this.settings.development
  }

  #client(session: Session, navigations: string[]) {
    return new LogtoClient(
      {
        endpoint: this.settings.endpoint,
        appId: this.settings.appId,
        appSecret: this.settings.appSecret,
        scopes: [UserScope.Email, UserScope.Profile],
      },
      {
        storage: new LogtoSessionStorage(session),
        navigate: (url) => {
          navigations.push(url)
        },
      }
    )
  }

  /* Stores PKCE verifier, state and the return path in the session; returns the authorization URL. */
  async startSignIn(session: Session, returnPath: string): Promise<string> {
    const navigations: string[] = []
    try {
      await this.#client(session, navigations).signIn({
        redirectUri: signInCallbackUrl(),
        postRedirectUri: returnPath,
      })
    } catch (error) {
      throw this.#unreachable(error)
    }
    const url = navigations.at(-1)
    if (!url) throw new Error('Logto client did not produce a sign-in URL')
    return url
  }

  /*
  | Verifies state against the session, exchanges the code (PKCE) and verifies
  | the ID token. The sign-in session is single use: whatever happens, it is
  | gone afterwards, so a replayed callback finds nothing to match.
  */
  async finishSignIn(
    session: Session,
    callbackUrl: string
  ): Promise<{ claims: IdTokenClaims; returnPath: string | undefined }> {
    const navigations: string[] = []
    const client = this.#client(session, navigations)
    try {
      await client.handleSignInCallback(callbackUrl)
      const claims = await client.getIdTokenClaims()
      return { claims, returnPath: navigations.at(-1) }
    } catch (error) {
      new LogtoSessionStorage(session).clear()
      throw this.#callbackError(error)
    }
  }

  /* Revokes the refresh token, clears the stored tokens; returns Logto's end-session URL. */
  async signOut(session: Session): Promise<string> {
    const navigations: string[] = []
    try {
      await this.#client(session, navigations).signOut(postSignOutUrl())
    } catch (error) {
      throw this.#unreachable(error)
    } finally {
      new LogtoSessionStorage(session).clear()
    }
    return navigations.at(-1) ?? postSignOutUrl()
  }

  #unreachable(error: unknown) {
    if (error instanceof SignInError) return error
    return new SignInError('The sign-in service could not be reached. Please try again shortly.', {
      status: 502,
      code: 'E_SIGN_IN_UNAVAILABLE',
      cause: error,
    })
  }

  #callbackError(error: unknown): SignInError {
    const refused = (message: string, code = 'E_SIGN_IN_FAILED') =>
      new SignInError(message, { status: 400, code, cause: error })

    if (error instanceof LogtoClientError) {
      /* No pending sign-in in this session: the callback was replayed, or came from elsewhere. */
      return refused(
        'This sign-in response was already used or does not belong to a sign-in you started. Please sign in again.',
        'E_SIGN_IN_SESSION_NOT_FOUND'
      )
    }
    if (error instanceof LogtoError) {
      switch (error.code) {
        case 'callback_uri_verification.state_mismatched':
        case 'callback_uri_verification.missing_state':
          return refused(
            'This sign-in response does not match the sign-in you started (state check failed). Please sign in again.',
            'E_SIGN_IN_STATE_MISMATCH'
          )
        case 'callback_uri_verification.error_found':
          return refused(
            'The sign-in was cancelled or refused by the identity provider.',
            'E_SIGN_IN_REFUSED'
          )
        case 'unexpected_response_error':
          /* The token endpoint said no: most often a code that was already exchanged, or expired. */
          return refused(
            'This sign-in code was already used or has expired. Please sign in again.',
            'E_SIGN_IN_CODE_REJECTED'
          )
        default:
          return refused('The sign-in response was not valid. Please sign in again.')
      }
    }
    if (error instanceof LogtoRequestError) {
      return refused(
        'This sign-in code was already used or has expired. Please sign in again.',
        'E_SIGN_IN_CODE_REJECTED'
      )
    }
    const code = (error as { code?: unknown } | null)?.code
    if (typeof code === 'string' && /^ERR_JW[TSKE]/.test(code)) {
      /* jose's ID token checks: signature, issuer, audience, expiry, unknown key. */
      return refused('The identity token could not be verified. Please sign in again.')
    }
    return this.#unreachable(error)
  }
}
