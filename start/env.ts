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

  /*
  | Older APP_KEYs (comma separated, newest first) still accepted for
  | decryption while `node ace keys:rotate` re-encrypts stored API keys.
  */
  APP_KEY_PREVIOUS: Env.schema.secret.optional(),

  /*
  | AI providers. Base URLs default to the public APIs; tests point them at
  | the local LLM emulator. The platform keys serve users without their own
  | key where their plan allows it.
  */
  OPENROUTER_BASE_URL: Env.schema.string.optional({ format: 'url', tld: false }),
  OPENROUTER_API_KEY: Env.schema.secret.optional(),
  /*
  | From how many streaming answers at once OpenRouter streams are read in a
  | worker thread (app/llm/openrouter_worker_transport.ts); 0: always.
  */
  OPENROUTER_STREAM_WORKER_FROM: Env.schema.number.optional(),
  OPENAI_BASE_URL: Env.schema.string.optional({ format: 'url', tld: false }),
  OPENAI_API_KEY: Env.schema.secret.optional(),
  ANTHROPIC_BASE_URL: Env.schema.string.optional({ format: 'url', tld: false }),
  GOOGLE_AI_BASE_URL: Env.schema.string.optional({ format: 'url', tld: false }),
  /* An operator's OpenAI-compatible endpoint (Ollama, vLLM) and the models it serves. */
  OPENAI_COMPATIBLE_BASE_URL: Env.schema.string.optional({ format: 'url', tld: false }),
  OPENAI_COMPATIBLE_API_KEY: Env.schema.secret.optional(),
  OPENAI_COMPATIBLE_MODELS: Env.schema.string.optional(),
  OPENAI_COMPATIBLE_NAME: Env.schema.string.optional(),
  /* The development emulator model (default on outside production; refused in production). */
  LLM_EMULATOR: Env.schema.boolean.optional(),
})
