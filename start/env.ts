/*
|--------------------------------------------------------------------------
| Environment variables
|--------------------------------------------------------------------------
|
| Every variable the app reads is validated here. `.env.example` documents
| each one. Production refuses to boot with development-only defaults; see
| `#start/production_guard`.
|
*/

import { Env } from '@adonisjs/core/env'

export default await Env.create(new URL('../', import.meta.url), {
  NODE_ENV: Env.schema.enum(['development', 'production', 'test'] as const),
  PORT: Env.schema.number(),
  HOST: Env.schema.string({ format: 'host' }),
  APP_KEY: Env.schema.secret(),
  APP_URL: Env.schema.string({ format: 'url', tld: false }),
  APP_NAME: Env.schema.string.optional(),
  LOG_LEVEL: Env.schema.enum([
    'fatal',
    'error',
    'warn',
    'info',
    'debug',
    'trace',
    'silent',
  ] as const),

  /*
  | Where the SQLite files live (main, cache, limiter). Relative paths are
  | resolved from the application root.
  */
  DATABASE_DIR: Env.schema.string.optional(),
  /* Run pending migrations when the web server or tests start (default true). */
  DB_AUTO_MIGRATE: Env.schema.boolean.optional(),

  SESSION_DRIVER: Env.schema.enum(['cookie', 'memory'] as const),

  /*
  | Logto. When LOGTO_ENDPOINT is unset outside production, a development
  | OpenID Connect provider is mounted at /oidc instead.
  */
  LOGTO_ENDPOINT: Env.schema.string.optional({ format: 'url', tld: false }),
  LOGTO_APP_ID: Env.schema.string.optional(),
  LOGTO_APP_SECRET: Env.schema.secret.optional(),
})
