import env from '#start/env'
import app from '@adonisjs/core/services/app'

/*
| Where sign-in happens. With LOGTO_ENDPOINT set, that Logto tenant. Without
| it (never in production, see #start/production_guard), the development
| OpenID Connect provider this process mounts at /oidc, reached through the
| very same Logto client code.
*/

/* Fixed, public values: the development provider only ever runs on a developer's machine or in tests. */
export const DEV_APP_ID = 'chat-development'
export const DEV_APP_SECRET = 'development-only-not-a-secret'

/* @logto/node always reads `<endpoint>/oidc/.well-known/openid-configuration`. */
export const DEV_OIDC_MOUNT_PATH = '/oidc'

export interface LogtoSettings {
  endpoint: string
  appId: string
  appSecret: string
  /* True when signing in through the in-process development provider. */
  development: boolean
}

export function appUrl(): string {
  return env.get('APP_URL').replace(/\/+$/, '')
}

export function devProviderEnabled(): boolean {
  return !app.inProduction && !env.get('LOGTO_ENDPOINT')
}

export function logtoSettings(): LogtoSettings {
  if (devProviderEnabled()) {
    return { endpoint: appUrl(), appId: DEV_APP_ID, appSecret: DEV_APP_SECRET, development: true }
  }

  const endpoint = env.get('LOGTO_ENDPOINT')
  const appId = env.get('LOGTO_APP_ID')
  const appSecret = env.get('LOGTO_APP_SECRET')?.release()
  /* The production guard refuses to boot without these; this only protects direct callers. */
  if (!endpoint || !appId || !appSecret) {
    throw new Error('LOGTO_ENDPOINT, LOGTO_APP_ID and LOGTO_APP_SECRET must all be set')
  }
  return { endpoint, appId, appSecret, development: false }
}

/* Where Logto sends the browser back to; register it in the Logto console. */
export function signInCallbackUrl(): string {
  return `${appUrl()}/sign-in/callback`
}

/* Where Logto's end-session sends the browser after sign-out; register it too. */
export function postSignOutUrl(): string {
  return `${appUrl()}/`
}
