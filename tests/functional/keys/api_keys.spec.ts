import { randomBytes, randomUUID } from 'node:crypto'
import { test } from '@japa/runner'
import app from '@adonisjs/core/services/app'
import db from '@adonisjs/lucid/services/db'
import User from '#models/user'
import ApiKeyVault from '#keys/services/api_key_vault'
import { BrowserSession } from '#tests/helpers/browser_session'
import { signIn, type SignedIn } from '#tests/helpers/sign_in'
import { captureLogs, decryptedCookies, jsonRequest, startEmulatorForApp } from '#tests/support/llm'
import { LlmEmulator } from '#llm/emulator/llm_emulator'
import LlmEndpoints from '#llm/llm_endpoints'

/*
| Bring-your-own-key over real HTTP: signed in through the development
| OpenID provider, keys checked against the LLM emulator on a loopback port
| (which rejects keys starting with "bad" and echoes presented keys in its
| 401 bodies, like some providers do).
*/

const goodKey = (prefix = 'sk-or-v1-') => `${prefix}${randomBytes(16).toString('hex')}`
const uniqueEmail = (label: string) => `${label}-${randomUUID()}@example.test`

async function keyRows(userId: string) {
  return db.from('user_models').where('user_id', userId).whereNotNull('provider')
}

test.group('BYOK keys over HTTP', (group) => {
  let emulator: LlmEmulator
  let alice: SignedIn
  let aliceId: string

  group.setup(async () => {
    const started = await startEmulatorForApp()
    emulator = started.emulator
    return started.stop
  })

  group.each.setup(async () => {
    alice = await signIn(uniqueEmail('alice'), { name: 'Alice' })
    const user = await User.findByOrFail('email', alice.email)
    aliceId = user.id
  })

  test('signed out: the keys API answers 401', async ({ assert }) => {
    const response = await jsonRequest(new BrowserSession(), 'GET', '/api/keys')
    assert.equal(response.status, 401)
  })

  test('add a key: checked with the provider, stored sealed, shown masked', async ({ assert }) => {
    const key = goodKey()
    const saved = await jsonRequest(alice.session, 'PUT', '/api/keys/openrouter', { apiKey: key })
    assert.equal(saved.status, 201)
    assert.deepInclude(saved.body.data, {
      provider: 'openrouter',
      label: 'OpenRouter',
      masked: `••••${key.slice(-4)}`,
    })
    assert.isFalse(saved.body.replaced)
    assert.notInclude(saved.text, key)

    // The provider was asked first, with this key.
    const check = emulator.requests.findLast((request) => request.path === '/api/v1/key')
    assert.equal(check?.headers.authorization, `Bearer ${key}`)

    const listed = await jsonRequest(alice.session, 'GET', '/api/keys')
    assert.equal(listed.status, 200)
    assert.lengthOf(listed.body.data, 1)
    assert.equal(listed.body.data[0].masked, `••••${key.slice(-4)}`)
    assert.notInclude(listed.text, key)

    // The raw row is not the key, and opens to it.
    const [row] = await keyRows(aliceId)
    assert.notEqual(row.api_key, key)
    assert.notInclude(row.api_key, key.slice(9))
    assert.isNull(row.model_id)
    assert.equal(row.key_hint, key.slice(-4))
    const vault = await app.container.make(ApiKeyVault)
    assert.equal(row.key_version, vault.currentVersion)
    assert.equal(
      vault.open({ ciphertext: row.api_key, keyVersion: row.key_version }, aliceId, 'openrouter'),
      key
    )
  })

  test('replace a key: one row per provider, holding the new key', async ({ assert }) => {
    const first = goodKey()
    const second = goodKey()
    await jsonRequest(alice.session, 'PUT', '/api/keys/openrouter', { apiKey: first })
    const replaced = await jsonRequest(alice.session, 'PUT', '/api/keys/openrouter', {
      apiKey: second,
    })
    assert.equal(replaced.status, 200)
    assert.isTrue(replaced.body.replaced)
    assert.equal(replaced.body.data.masked, `••••${second.slice(-4)}`)

    const rows = await keyRows(aliceId)
    assert.lengthOf(rows, 1)
    const vault = await app.container.make(ApiKeyVault)
    assert.equal(
      vault.open(
        { ciphertext: rows[0].api_key, keyVersion: rows[0].key_version },
        aliceId,
        'openrouter'
      ),
      second
    )
  })

  test('a bad key is refused with 422 and not stored', async ({ assert }) => {
    const bad = `bad-${randomBytes(12).toString('hex')}`
    const refused = await jsonRequest(alice.session, 'PUT', '/api/keys/openrouter', { apiKey: bad })
    assert.equal(refused.status, 422)
    assert.deepEqual(refused.body.errors, [
      {
        field: 'apiKey',
        rule: 'provider_check',
        message: 'OpenRouter rejected this key (HTTP 401). Nothing was saved.',
      },
    ])
    // The emulator echoed the key in its 401 body; none of it reached us.
    assert.notInclude(refused.text, bad)
    assert.lengthOf(await keyRows(aliceId), 0)
  })

  test('each provider is checked with its own cheap call', async ({ assert }) => {
    const cases = [
      { provider: 'openai', path: '/v1/models', header: 'authorization', prefix: 'sk-proj-' },
      { provider: 'anthropic', path: '/v1/models', header: 'x-api-key', prefix: 'sk-ant-api03-' },
      { provider: 'google', path: '/v1beta/models', header: 'x-goog-api-key', prefix: 'AIza' },
    ]
    for (const { provider, path, header, prefix } of cases) {
      const key = goodKey(prefix)
      const saved = await jsonRequest(alice.session, 'PUT', `/api/keys/${provider}`, {
        apiKey: key,
      })
      assert.equal(saved.status, 201, provider)
      const check = emulator.requests.findLast((request) => request.path === path)
      assert.include(String(check?.headers[header]), key, provider)

      const bad = await jsonRequest(alice.session, 'PUT', `/api/keys/${provider}`, {
        apiKey: `bad-${prefix}${randomBytes(8).toString('hex')}`,
      })
      assert.equal(bad.status, 422, provider)
    }
    const listed = await jsonRequest(alice.session, 'GET', '/api/keys')
    assert.deepEqual(
      listed.body.data.map((key: { provider: string }) => key.provider),
      ['openai', 'anthropic', 'google']
    )
  })

  test('input is validated: unknown provider, missing or malformed key', async ({ assert }) => {
    const unknown = await jsonRequest(alice.session, 'PUT', '/api/keys/azure', {
      apiKey: goodKey(),
    })
    assert.equal(unknown.status, 422)
    assert.equal(unknown.body.errors[0].field, 'provider')

    const missing = await jsonRequest(alice.session, 'PUT', '/api/keys/openrouter', {})
    assert.equal(missing.status, 422)
    assert.equal(missing.body.errors[0].field, 'apiKey')

    const spaced = 'sk-or-v1 has spaces in it'
    const malformed = await jsonRequest(alice.session, 'PUT', '/api/keys/openrouter', {
      apiKey: spaced,
    })
    assert.equal(malformed.status, 422)
    assert.notInclude(malformed.text, spaced)

    const huge = await jsonRequest(alice.session, 'PUT', '/api/keys/openrouter', {
      apiKey: 'x'.repeat(600),
    })
    assert.equal(huge.status, 422)

    const notString = await jsonRequest(alice.session, 'PUT', '/api/keys/openrouter', {
      apiKey: { nested: true },
    })
    assert.equal(notString.status, 422)

    const badDelete = await jsonRequest(alice.session, 'DELETE', '/api/keys/azure')
    assert.equal(badDelete.status, 422)
    assert.lengthOf(await keyRows(aliceId), 0)
  })

  test('delete a key; deleting again is a 404', async ({ assert }) => {
    await jsonRequest(alice.session, 'PUT', '/api/keys/openrouter', { apiKey: goodKey() })
    const deleted = await jsonRequest(alice.session, 'DELETE', '/api/keys/openrouter')
    assert.equal(deleted.status, 204)
    assert.lengthOf(await keyRows(aliceId), 0)
    const again = await jsonRequest(alice.session, 'DELETE', '/api/keys/openrouter')
    assert.equal(again.status, 404)
    assert.equal(again.body.errors[0].message, 'You have no OpenRouter key saved.')
  })

  test("another user's key is out of reach", async ({ assert }) => {
    const aliceKey = goodKey()
    await jsonRequest(alice.session, 'PUT', '/api/keys/openrouter', { apiKey: aliceKey })
    const bob = await signIn(uniqueEmail('bob'), { name: 'Bob' })

    const bobList = await jsonRequest(bob.session, 'GET', '/api/keys')
    assert.deepEqual(bobList.body.data, [])
    const bobDelete = await jsonRequest(bob.session, 'DELETE', '/api/keys/openrouter')
    assert.equal(bobDelete.status, 404)

    const bobKey = goodKey()
    const bobSave = await jsonRequest(bob.session, 'PUT', '/api/keys/openrouter', {
      apiKey: bobKey,
    })
    assert.equal(bobSave.status, 201)
    assert.isFalse(bobSave.body.replaced)

    const aliceList = await jsonRequest(alice.session, 'GET', '/api/keys')
    assert.equal(aliceList.body.data[0].masked, `••••${aliceKey.slice(-4)}`)
    const vault = await app.container.make(ApiKeyVault)
    const [row] = await keyRows(aliceId)
    assert.equal(
      vault.open({ ciphertext: row.api_key, keyVersion: row.key_version }, aliceId, 'openrouter'),
      aliceKey
    )
  })

  test('writes need the CSRF token', async ({ assert }) => {
    const forged = await jsonRequest(
      alice.session,
      'PUT',
      '/api/keys/openrouter',
      { apiKey: goodKey() },
      { 'x-xsrf-token': '' }
    )
    const key = goodKey()
    const forgedWithKey = await jsonRequest(
      alice.session,
      'PUT',
      '/api/keys/openrouter',
      { apiKey: key },
      { 'x-xsrf-token': '' }
    )
    assert.equal(forgedWithKey.status, 403)
    assert.notInclude(decryptedCookies(forgedWithKey.headers).join('\n'), key)
    assert.equal(forged.status, 403)
    assert.equal(forged.body.errors[0].code, 'E_BAD_CSRF_TOKEN')
    // Nothing of the submitted key went into the session cookie (shield flashes input otherwise).
    // Shield's default answer would have flashed the submitted key into the session cookie;
    // this refusal leaves the session untouched, so it is not even written back.
    const cookies = decryptedCookies(forged.headers)
    assert.notInclude(cookies.join('\n'), 'apiKey')
    const written = forged.headers.getSetCookie().map((cookie) => cookie.split('=')[0])
    assert.notInclude(written, 'chat-session')
    assert.lengthOf(await keyRows(aliceId), 0)
  })

  test('provider unreachable: 502 and nothing stored', async ({ assert }) => {
    const gone = await LlmEmulator.start()
    const url = gone.openRouterBaseUrl
    await gone.close()
    app.container.swap(LlmEndpoints, () => new LlmEndpoints({ openrouter: url }))
    try {
      const response = await jsonRequest(alice.session, 'PUT', '/api/keys/openrouter', {
        apiKey: goodKey(),
      })
      assert.equal(response.status, 502)
      assert.equal(
        response.body.errors[0].message,
        "Couldn't reach OpenRouter to check the key. Nothing was saved; try again."
      )
    } finally {
      app.container.swap(LlmEndpoints, () => LlmEndpoints.forEmulator(emulator))
    }
    assert.lengthOf(await keyRows(aliceId), 0)
  })

  test('a full session never shows the key: responses, headers, logs, audit trail', async ({
    assert,
  }) => {
    const key = goodKey()
    const replacement = goodKey()
    const bad = `bad-${key}`
    const logs = captureLogs()
    const seen: string[] = []
    const record = (response: { text: string; headers: Headers }) =>
      seen.push(
        response.text,
        JSON.stringify([...response.headers.entries()]),
        ...decryptedCookies(response.headers)
      )
    try {
      record(await jsonRequest(alice.session, 'PUT', '/api/keys/openrouter', { apiKey: key }))
      record(await jsonRequest(alice.session, 'GET', '/api/keys'))
      record(await jsonRequest(alice.session, 'GET', '/api/models'))
      record(await jsonRequest(alice.session, 'PUT', '/api/keys/openrouter', { apiKey: bad }))
      record(
        await jsonRequest(alice.session, 'PUT', '/api/keys/openrouter', { apiKey: 'a b c d e f g' })
      )
      record(
        await jsonRequest(alice.session, 'PUT', '/api/keys/openrouter', { apiKey: replacement })
      )
      const page = await alice.session.get('/settings/keys')
      const html = await page.text()
      record({ text: html, headers: page.headers })
      assert.include(html, `••••${replacement.slice(-4)}`)
      record(await jsonRequest(alice.session, 'DELETE', '/api/keys/openrouter'))
    } finally {
      logs.stop()
    }

    const everything = seen.join('\n')
    for (const secret of [key, replacement, bad]) {
      assert.notInclude(everything, secret)
      assert.notInclude(logs.lines.join(''), secret)
    }
    // The capture did see this session's activity.
    assert.isTrue(logs.lines.some((line) => line.includes('api key saved')))
    assert.isTrue(logs.lines.some((line) => line.includes('api key refused')))

    const audits = JSON.stringify(
      await db.from('audit_logs').where('user_id', aliceId).where('model_name', 'UserModel')
    )
    assert.include(audits, '[redacted]')
    for (const secret of [key, replacement, bad]) assert.notInclude(audits, secret)
  })
})
