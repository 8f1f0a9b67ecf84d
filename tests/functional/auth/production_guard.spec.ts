import { spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from '@japa/runner'
import app from '@adonisjs/core/services/app'

/*
| Boots the real server entry point (bin/server.ts, as `npm start` runs the
| built one) in a child process with NODE_ENV=production and watches it
| refuse to start. If it ever does start, it is stopped and the test fails.
*/
async function bootInProduction(extraEnv: Record<string, string>) {
  const databaseDir = await mkdtemp(join(tmpdir(), 'chat-guard-'))
  const env: Record<string, string> = {}
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !key.startsWith('LOGTO_')) env[key] = value
  }
  Object.assign(env, {
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: '0',
    APP_URL: 'https://chat.example.com',
    APP_KEY: 'guard-test-key-0123456789abcdefghijklmnop',
    LOG_LEVEL: 'fatal',
    SESSION_DRIVER: 'cookie',
    DATABASE_DIR: databaseDir,
    ...extraEnv,
  })

  const child = spawn(
    app.makePath('node_modules/.bin/node'),
    ['--import=@poppinss/ts-exec', 'bin/server.ts'],
    { cwd: app.makePath(), env, stdio: ['ignore', 'pipe', 'pipe'] }
  )
  let output = ''
  child.stdout.on('data', (chunk) => (output += chunk))
  child.stderr.on('data', (chunk) => (output += chunk))

  /* A server that starts never exits by itself; stop it so the assertion below fails cleanly. */
  const watchdog = setTimeout(() => child.kill('SIGKILL'), 20_000)
  const exitCode = await new Promise<number | null>((resolve) => child.on('close', resolve))
  clearTimeout(watchdog)
  await rm(databaseDir, { recursive: true, force: true })
  return { exitCode, output }
}

test.group('Production guard', () => {
  test('production without Logto settings refuses to boot, naming LOGTO_ENDPOINT', async ({
    assert,
  }) => {
    const { exitCode, output } = await bootInProduction({})
    assert.notEqual(exitCode, 0)
    assert.isNotNull(exitCode, 'the server started instead of refusing to boot')
    assert.include(output, 'LOGTO_ENDPOINT')
    assert.notInclude(output, 'started HTTP server')
  }).timeout(30_000)

  test('production with only LOGTO_ENDPOINT refuses to boot, naming the app id and secret', async ({
    assert,
  }) => {
    const { exitCode, output } = await bootInProduction({
      LOGTO_ENDPOINT: 'https://tenant.logto.app',
    })
    assert.notEqual(exitCode, 0)
    assert.isNotNull(exitCode, 'the server started instead of refusing to boot')
    assert.include(output, 'LOGTO_APP_ID')
    assert.include(output, 'LOGTO_APP_SECRET')
    assert.notInclude(output, 'Missing environment variables LOGTO_ENDPOINT')
  }).timeout(30_000)
})
