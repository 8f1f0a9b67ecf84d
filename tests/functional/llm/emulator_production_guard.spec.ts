import { spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { test } from '@japa/runner'
import app from '@adonisjs/core/services/app'

/*
| The real server entry point in a child process with NODE_ENV=production
| (Logto configured, so only our setting is in question).
*/
async function bootInProduction(extraEnv: Record<string, string>, refusal?: string) {
  const databaseDir = await mkdtemp(join(tmpdir(), 'chat-llm-guard-'))
  const env: Record<string, string> = {}
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !key.startsWith('LOGTO_') && key !== 'LLM_EMULATOR') env[key] = value
  }
  Object.assign(env, {
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: '0',
    APP_URL: 'https://chat.example.com',
    APP_KEY: 'guard-test-key-0123456789abcdefghijklmnop',
    LOG_LEVEL: 'info',
    SESSION_DRIVER: 'cookie',
    DATABASE_DIR: databaseDir,
    LOGTO_ENDPOINT: 'https://tenant.logto.app',
    LOGTO_APP_ID: 'app-id',
    LOGTO_APP_SECRET: 'app-secret',
    ...extraEnv,
  })

  const child = spawn(
    app.makePath('node_modules/.bin/node'),
    ['--import=@poppinss/ts-exec', 'bin/server.ts'],
    { cwd: app.makePath(), env, stdio: ['ignore', 'pipe', 'pipe'] }
  )
  let output = ''
  let started = false
  const onData = (chunk: Buffer) => {
    output += chunk
    // A server that starts never exits by itself: stop it once it says so.
    if (!started && output.includes('started HTTP server')) {
      started = true
      child.kill('SIGTERM')
    }
    // The refusal is printed; the process may linger on open handles, so stop it here.
    if (refusal && output.includes(refusal)) child.kill('SIGTERM')
  }
  child.stdout.on('data', onData)
  child.stderr.on('data', onData)
  const watchdog = setTimeout(() => child.kill('SIGKILL'), 30_000)
  const exitCode = await new Promise<number | null>((resolve) => child.on('close', resolve))
  clearTimeout(watchdog)
  return {
    exitCode,
    output,
    started,
    databaseDir,
    cleanup: () => rm(databaseDir, { recursive: true, force: true }),
  }
}

test.group('Development emulator in production', () => {
  test('LLM_EMULATOR=true refuses to boot, naming the variable', async ({ assert }) => {
    const refusal = 'LLM_EMULATOR=true turns on the development emulator model'
    const result = await bootInProduction({ LLM_EMULATOR: 'true' }, refusal)
    await result.cleanup()
    assert.isFalse(result.started, 'the server started instead of refusing to boot')
    assert.notInclude(result.output, 'started HTTP server')
    assert.include(result.output, refusal)
  }).timeout(40_000)

  test('without it, production boots and the catalog has no emulator model', async ({ assert }) => {
    const result = await bootInProduction({})
    try {
      assert.isTrue(result.started, result.output)
      const database = new DatabaseSync(join(result.databaseDir, 'main.sqlite'), { readOnly: true })
      const ids = database
        .prepare('select model_id from models where is_available = 1')
        .all()
        .map((row) => (row as { model_id: string }).model_id)
      database.close()
      assert.isAbove(ids.length, 10)
      assert.notInclude(ids, 'dev/emulator')
    } finally {
      await result.cleanup()
    }
  }).timeout(40_000)
})
