import { randomBytes, randomUUID } from 'node:crypto'
import { test } from '@japa/runner'
import { jsonRequest, startEmulatorForApp } from '#tests/support/llm'
import type { LlmEmulator } from '#llm/emulator/llm_emulator'
import GenerationSettings from '#chat/services/generation_settings'
import {
  chatUser,
  createChat,
  finalMessage,
  reply,
  sendUserMessage,
  type ChatUser,
  useGenerationSettings,
} from '#tests/functional/chat/chat_helpers'

/*
| What the fast reply path keeps in memory must never outlive what it came
| from: the opened BYOK key follows the stored one, and the session the
| middleware no longer writes back on every request still works and is
| still written when it changes. The JSON API gets its own fixed CSP and
| keeps the CSRF check.
*/

const MODEL = 'meta-llama/llama-3.3-70b-instruct'
const PLATFORM_KEY = 'sk-or-platform-secret-reply-path'
const goodKey = () => `sk-or-v1-${randomBytes(16).toString('hex')}`
const setCookieNames = (headers: Headers) =>
  headers.getSetCookie().map((cookie) => cookie.slice(0, cookie.indexOf('=')))

test.group('Reply path: keys and session', (group) => {
  let emulator: LlmEmulator

  group.setup(async () => {
    const started = await startEmulatorForApp({ platformKeys: { openrouter: PLATFORM_KEY } })
    emulator = started.emulator
    const restoreSettings = useGenerationSettings(new GenerationSettings(2_000, 60_000, 100, 250))
    return async () => {
      restoreSettings()
      await started.stop()
    }
  })

  /* Answers one question and returns the Authorization header the provider saw. */
  async function keyUsed(user: ChatUser, chatId: string, question: string) {
    const answerId = randomUUID()
    const response = await reply(user, chatId, question, { assistantMessageId: answerId })
    if (response.status !== 202) throw new Error(`reply answered ${response.status}`)
    const row = await finalMessage(answerId)
    if (row.status !== 'complete') throw new Error(`answer ended ${row.status}: ${row.error}`)
    const call = emulator.requests.findLast((request) => request.path.endsWith('/chat/completions'))
    return call?.headers.authorization
  }

  test('a saved, replaced or deleted key serves the very next reply', async ({ assert }) => {
    const alice = await chatUser('keys-path')
    const chatId = await createChat(alice, { model: MODEL, title: 'Keys' })
    const question = await sendUserMessage(alice, chatId, null, 'Which key? [[tokens:3]]')

    assert.equal(await keyUsed(alice, chatId, question), `Bearer ${PLATFORM_KEY}`)

    const first = goodKey()
    const saved = await jsonRequest(alice.session, 'PUT', '/api/keys/openrouter', { apiKey: first })
    assert.equal(saved.status, 201)
    assert.equal(await keyUsed(alice, chatId, question), `Bearer ${first}`)
    assert.equal(await keyUsed(alice, chatId, question), `Bearer ${first}`)

    const second = goodKey()
    const replaced = await jsonRequest(alice.session, 'PUT', '/api/keys/openrouter', {
      apiKey: second,
    })
    assert.equal(replaced.status, 200)
    assert.equal(await keyUsed(alice, chatId, question), `Bearer ${second}`)

    const deleted = await jsonRequest(alice.session, 'DELETE', '/api/keys/openrouter')
    assert.equal(deleted.status, 204)
    assert.equal(await keyUsed(alice, chatId, question), `Bearer ${PLATFORM_KEY}`)
  })

  test('an unchanged session is not written back on each request; a changed one is', async ({
    assert,
  }) => {
    const bob = await chatUser('session-path')

    // Signed in: the session was written at the callback. Reading it changes nothing.
    for (const path of ['/api/keys', '/api/models']) {
      const response = await jsonRequest(bob.session, 'GET', path)
      assert.equal(response.status, 200)
      assert.notInclude(setCookieNames(response.headers), 'chat-session')
    }
    const page = await bob.session.get('/chat')
    assert.equal(page.status, 200)
    assert.notInclude(setCookieNames(page.headers), 'chat-session')
    await page.arrayBuffer()

    // Still the same signed-in session on the next request.
    const stillIn = await jsonRequest(bob.session, 'GET', '/api/keys')
    assert.equal(stillIn.status, 200)

    // Signing out changes the session: it is written (here, without the user).
    const out = await bob.session.post('/sign-out')
    assert.include(setCookieNames(out.headers), 'chat-session')
    await out.arrayBuffer()
    const after = await jsonRequest(bob.session, 'GET', '/api/keys')
    assert.equal(after.status, 401)
  })

  test('JSON API: a deny-all CSP, the usual guards, and the CSRF check', async ({ assert }) => {
    const carol = await chatUser('shield-path')
    const api = await jsonRequest(carol.session, 'GET', '/api/keys')
    assert.equal(api.status, 200)
    const apiCsp = api.headers.get('content-security-policy') ?? ''
    assert.include(apiCsp, "default-src 'none'")
    assert.include(apiCsp, "frame-ancestors 'none'")
    assert.notInclude(apiCsp, 'nonce-')
    assert.equal(api.headers.get('x-content-type-options'), 'nosniff')
    assert.equal(api.headers.get('x-frame-options'), 'DENY')
    // The page the call comes from holds the XSRF token: an API answer does not mint another.
    assert.notInclude(setCookieNames(api.headers), 'XSRF-TOKEN')

    const page = await carol.session.get('/chat')
    const pageCsp = page.headers.get('content-security-policy') ?? ''
    assert.match(pageCsp, /script-src 'self' 'nonce-[^']+'/)
    assert.equal(page.headers.get('x-frame-options'), 'DENY')
    assert.include(setCookieNames(page.headers), 'XSRF-TOKEN')
    await page.arrayBuffer()

    // A reply without the XSRF token is refused before anything runs.
    const chatId = await createChat(carol, { model: MODEL, title: 'CSRF' })
    const question = await sendUserMessage(carol, chatId, null, 'Hello')
    const path = `/api/chats/${chatId}/messages/${question}/reply`
    const withoutToken = carol.session.headers(path)
    delete withoutToken['x-xsrf-token']
    const refused = await fetch(carol.session.url(path), {
      method: 'POST',
      headers: {
        ...withoutToken,
        'accept': 'application/json',
        'content-type': 'application/json',
      },
      body: JSON.stringify({ assistantMessageId: randomUUID() }),
    })
    assert.equal(refused.status, 403)
    await refused.arrayBuffer()
    const forged = await fetch(carol.session.url(path), {
      method: 'POST',
      headers: {
        ...withoutToken,
        'x-xsrf-token': 'e:not-a-token',
        'accept': 'application/json',
        'content-type': 'application/json',
      },
      body: JSON.stringify({ assistantMessageId: randomUUID() }),
    })
    assert.equal(forged.status, 403)
    await forged.arrayBuffer()

    // Another session's valid token does not match this session's secret.
    const dave = await chatUser('shield-path-other')
    const crossed = await fetch(carol.session.url(path), {
      method: 'POST',
      headers: {
        ...withoutToken,
        'x-xsrf-token': dave.session.xsrfToken()!,
        'accept': 'application/json',
        'content-type': 'application/json',
      },
      body: JSON.stringify({ assistantMessageId: randomUUID() }),
    })
    assert.equal(crossed.status, 403)
    await crossed.arrayBuffer()

    // And with its own token the same request goes through.
    const accepted = await reply(carol, chatId, question, { assistantMessageId: randomUUID() })
    assert.equal(accepted.status, 202, accepted.text)
    await finalMessage(accepted.body.data.assistantMessageId)
  })
})
