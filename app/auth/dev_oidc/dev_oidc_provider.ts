/// <reference path="./oidc_provider.d.ts" />
import { createECDH, createHash, hkdfSync } from 'node:crypto'
import type { Provider, KoaContextWithOIDC } from 'oidc-provider'
import env from '#start/env'
import {
  DEV_APP_ID,
  DEV_APP_SECRET,
  DEV_OIDC_MOUNT_PATH,
  appUrl,
  devProviderEnabled,
  postSignOutUrl,
  signInCallbackUrl,
} from '#auth/logto_settings'
import { DevAccounts } from '#auth/dev_oidc/dev_accounts'
import { errorPage, logoutPage, signedOutPage } from '#auth/dev_oidc/dev_oidc_pages'

/*
|--------------------------------------------------------------------------
| Development OpenID Connect provider
|--------------------------------------------------------------------------
|
| Stands in for Logto when LOGTO_ENDPOINT is not set, outside production
| only. It is a real OIDC provider (oidc-provider 9) served by this process at
| /oidc, so the Logto client runs its real flow against it: discovery,
| authorization code with PKCE, ID token verification against the JWKS,
| userinfo, refresh, revocation, end-session.
|
| Keys: the ID token signing key (ES256) and the cookie signing key are
| derived from APP_KEY with HKDF, so nothing secret is written to tmp/ and
| tokens stay verifiable across restarts. Grants, sessions and tokens live in
| oidc-provider's in-memory store: a restart signs everyone out of the
| provider (not out of the app).
|
*/

export const devAccounts = new DevAccounts()

export const DEV_INTERACTION_PATH = '/dev-sign-in'

function derive(info: string): Buffer {
  const appKey = env.get('APP_KEY').release()
  return Buffer.from(hkdfSync('sha256', appKey, 'chat:dev-oidc-provider', info, 32))
}

/* A P-256 key pair whose private scalar comes from APP_KEY. */
function signingKey() {
  const d = derive('id-token-signing-key:es256')
  const ecdh = createECDH('prime256v1')
  ecdh.setPrivateKey(d)
  const point = ecdh.getPublicKey()
  const x = point.subarray(1, 33)
  const y = point.subarray(33, 65)
  return {
    kty: 'EC',
    crv: 'P-256',
    d: d.toString('base64url'),
    x: x.toString('base64url'),
    y: y.toString('base64url'),
    use: 'sig',
    alg: 'ES256',
    kid: createHash('sha256').update(point).digest('base64url').slice(0, 16),
  }
}

async function createProvider(): Promise<Provider> {
  const { default: OidcProvider } = await import('oidc-provider')
  const cookieOptions = { httpOnly: true, sameSite: 'lax', signed: true }

  const provider = new OidcProvider(`${appUrl()}${DEV_OIDC_MOUNT_PATH}`, {
    clients: [
      {
        client_id: DEV_APP_ID,
        client_secret: DEV_APP_SECRET,
        client_name: 'Chat (development)',
        redirect_uris: [signInCallbackUrl()],
        post_logout_redirect_uris: [postSignOutUrl()],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
        id_token_signed_response_alg: 'ES256',
      },
    ],
    jwks: { keys: [signingKey()] },
    cookies: {
      keys: [derive('cookie-signing-key').toString('base64url')],
      names: {
        session: 'dev_oidc_session',
        interaction: 'dev_oidc_interaction',
        resume: 'dev_oidc_resume',
      },
      long: cookieOptions,
      short: cookieOptions,
    },
    /* Logto's scopes: "email" brings email, "profile" name and username. */
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name', 'username'],
    },
    /* Put the granted claims into the ID token itself, as Logto does. */
    conformIdTokenClaims: false,
    pkce: { required: () => true },
    /* Seconds. Short-lived codes and tokens; provider sessions and grants last two weeks, like Logto's defaults. */
    ttl: {
      AuthorizationCode: 60,
      Interaction: 60 * 60,
      AccessToken: 60 * 60,
      IdToken: 60 * 60,
      Session: 14 * 24 * 60 * 60,
      Grant: 14 * 24 * 60 * 60,
      RefreshToken: 14 * 24 * 60 * 60,
    },
    async findAccount(_ctx: unknown, sub: string) {
      const account = devAccounts.find(sub)
      if (!account) return undefined
      return { accountId: account.accountId, claims: async () => devAccounts.claims(account) }
    },
    interactions: {
      url: async (_ctx: unknown, interaction: { uid: string }) =>
        `${DEV_INTERACTION_PATH}/${interaction.uid}`,
    },
    features: {
      devInteractions: { enabled: false },
      revocation: {
        enabled: true,
        /* A client may only revoke its own tokens. */
        allowedPolicy: async (
          _ctx: unknown,
          client: { clientId: string },
          token: { clientId?: string }
        ) => token.clientId === client.clientId,
      },
      userinfo: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        async logoutSource(ctx: KoaContextWithOIDC, form: string) {
          ctx.type = 'html'
          ctx.body = logoutPage(form)
        },
        async postLogoutSuccessSource(ctx: KoaContextWithOIDC) {
          ctx.type = 'html'
          ctx.body = signedOutPage()
        },
      },
    },
    async renderError(ctx: KoaContextWithOIDC, out: Record<string, unknown>) {
      ctx.type = 'html'
      ctx.body = errorPage(out)
    },
  })
  return provider
}

let provider: Promise<Provider> | undefined

/* The process-wide development provider; refuses to exist where it must not. */
export function devOidcProvider(): Promise<Provider> {
  if (!devProviderEnabled()) {
    throw new Error(
      'The development OpenID Connect provider is disabled (production, or LOGTO_ENDPOINT is set)'
    )
  }
  provider ??= createProvider().catch((error) => {
    provider = undefined
    throw error
  })
  return provider
}
