/*
|--------------------------------------------------------------------------
| Production guard
|--------------------------------------------------------------------------
|
| Imported while providers boot (providers/production_guard_provider.ts),
| before anything starts. Production must never run on a
| development-only default, so the boot stops here, naming what is missing.
| Outside production a half-configured Logto (an endpoint without its app
| credentials) stops the boot too, instead of failing at the first sign-in.
|
*/

import env from '#start/env'
import app from '@adonisjs/core/services/app'

const LOGTO_VARIABLES = ['LOGTO_ENDPOINT', 'LOGTO_APP_ID', 'LOGTO_APP_SECRET'] as const

export function missingLogtoVariables(inProduction: boolean): string[] {
  const missing = LOGTO_VARIABLES.filter((name) => {
    const value = env.get(name)
    const text = typeof value === 'string' ? value : value?.release()
    return !text || !text.trim()
  })
  /* In development, no LOGTO_ENDPOINT means "use the development provider". */
  if (!inProduction && missing.includes('LOGTO_ENDPOINT')) return []
  return missing
}

const missing = missingLogtoVariables(app.inProduction)
if (missing.length) {
  const why = app.inProduction
    ? 'Production signs in through Logto only (the development sign-in provider never runs there)'
    : 'LOGTO_ENDPOINT is set, so the Logto application credentials are needed too'
  throw new Error(
    `Missing environment variable${missing.length > 1 ? 's' : ''} ${missing.join(', ')}. ${why}: set ${missing.join(', ')} (see .env.example).`
  )
}

/*
| The development emulator model answers with canned text from an in-process
| fake: production must never offer it.
*/
if (app.inProduction && env.get('LLM_EMULATOR') === true) {
  throw new Error(
    'LLM_EMULATOR=true turns on the development emulator model, which never runs in production: remove LLM_EMULATOR (or set it to false).'
  )
}
