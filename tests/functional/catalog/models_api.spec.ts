import { randomBytes, randomUUID } from 'node:crypto'
import { test } from '@japa/runner'
import User from '#models/user'
import { BrowserSession } from '#tests/helpers/browser_session'
import { signIn, type SignedIn } from '#tests/helpers/sign_in'
import { jsonRequest, startEmulatorForApp } from '#tests/support/llm'
import { catalogModels, DEFAULT_MODEL_ID, EMULATOR_MODEL_ID } from '#config/models'

type Entry = {
  id: string
  access: any
  capabilities: Record<string, unknown>
  providerLabel: string
}

async function catalog(session: BrowserSession): Promise<Map<string, Entry>> {
  const response = await jsonRequest(session, 'GET', '/api/models')
  if (response.status !== 200) throw new Error(`GET /api/models answered ${response.status}`)
  return new Map(response.body.data.map((entry: Entry) => [entry.id, entry]))
}

test.group('GET /api/models', (group) => {
  let user: SignedIn

  group.setup(async () => {
    // The platform has an OpenRouter key, no OpenAI key.
    const started = await startEmulatorForApp({ platformKeys: { openrouter: 'sk-or-platform' } })
    return started.stop
  })

  group.each.setup(async () => {
    user = await signIn(`models-${randomUUID()}@example.test`)
  })

  test('signed out: 401', async ({ assert }) => {
    const response = await jsonRequest(new BrowserSession(), 'GET', '/api/models')
    assert.equal(response.status, 401)
  })

  test('the whole catalog, with capabilities and a lock per model', async ({ assert }) => {
    const models = await catalog(user.session)
    assert.deepEqual(
      [...models.keys()],
      catalogModels().map((model) => model.id)
    )

    const sonnet = models.get('anthropic/claude-sonnet-4.5')!
    assert.equal(sonnet.providerLabel, 'OpenRouter')
    assert.include(sonnet.capabilities, { vision: true, context_length: 1_000_000 })
    assert.deepEqual(sonnet.access, {
      usable: false,
      lock: {
        reason: 'needs_plan',
        keyProvider: 'openrouter',
        message:
          'Claude Sonnet 4.5 needs a paid plan, or your own OpenRouter key (Settings → API keys).',
      },
    })
    assert.deepEqual(models.get('openai/gpt-5-mini')!.access, { usable: true, via: 'platform_key' })
    assert.deepEqual(models.get('gpt-5-mini')!.access.lock, {
      reason: 'needs_key',
      keyProvider: 'openai',
      message: 'Add your OpenAI key in Settings → API keys to use GPT-5 mini (OpenAI direct).',
    })
    assert.deepEqual(models.get('dev/emulator')!.access, { usable: true, via: 'emulator' })
  })

  test('new chats start on the house default: the platform key serves it', async ({ assert }) => {
    const response = await jsonRequest(user.session, 'GET', '/api/models')
    assert.equal(response.body.defaultModelId, DEFAULT_MODEL_ID)
    const props = await chatPageProps(user.session)
    assert.equal(props.defaultModelId, DEFAULT_MODEL_ID)
  })

  test('a saved key unlocks its provider', async ({ assert }) => {
    await jsonRequest(user.session, 'PUT', '/api/keys/openrouter', {
      apiKey: `sk-or-v1-${randomBytes(16).toString('hex')}`,
    })
    await jsonRequest(user.session, 'PUT', '/api/keys/openai', {
      apiKey: `sk-proj-${randomBytes(16).toString('hex')}`,
    })
    const models = await catalog(user.session)
    assert.deepEqual(models.get('anthropic/claude-sonnet-4.5')!.access, {
      usable: true,
      via: 'user_key',
    })
    assert.deepEqual(models.get('gpt-5')!.access, { usable: true, via: 'user_key' })
    assert.isFalse(models.get('claude-sonnet-4-5')!.access.usable)
  })

  test('a paying user gets paid models on the platform key', async ({ assert }) => {
    await User.query().where('email', user.email).update({ is_paying_user: true })
    const models = await catalog(user.session)
    assert.deepEqual(models.get('anthropic/claude-sonnet-4.5')!.access, {
      usable: true,
      via: 'platform_key',
    })
  })
})

/* The props the chat page gets: the Inertia page object embedded in its HTML. */
async function chatPageProps(session: BrowserSession, path = '/chat') {
  const url = session.url(path)
  const response = await fetch(url, { headers: session.headers(url.pathname), redirect: 'manual' })
  if (response.status !== 200) throw new Error(`GET ${path} answered ${response.status}`)
  const html = await response.text()
  const embedded =
    html.match(/<script[^>]*data-page="app"[^>]*>([\s\S]*?)<\/script>/)?.[1] ??
    html
      .match(/data-page="([^"]*)"/)?.[1]
      ?.replaceAll('&quot;', '"')
      .replaceAll('&amp;', '&')
  if (!embedded) throw new Error(`GET ${path}: no Inertia page in the HTML`)
  const page = JSON.parse(embedded) as { component: string; props: Record<string, unknown> }
  return page.props
}

test.group('Default model of a new chat, without platform keys', (group) => {
  group.setup(async () => {
    // No platform key at all: only the development emulator runs (as on a fresh `npm run dev`).
    const started = await startEmulatorForApp()
    return started.stop
  })

  test('the development emulator, in the models API and the chat page', async ({ assert }) => {
    const user = await signIn(`models-${randomUUID()}@example.test`)
    const response = await jsonRequest(user.session, 'GET', '/api/models')
    assert.isFalse(
      response.body.data.find((entry: Entry) => entry.id === DEFAULT_MODEL_ID).access.usable
    )
    assert.equal(response.body.defaultModelId, EMULATOR_MODEL_ID)
    const props = await chatPageProps(user.session)
    assert.equal(props.defaultModelId, EMULATOR_MODEL_ID)
    const chatId = randomUUID()
    assert.deepInclude(await chatPageProps(user.session, `/chat/${chatId}`), {
      chatId,
      defaultModelId: EMULATOR_MODEL_ID,
    })
  })

  test('a key for the house default makes it the default again', async ({ assert }) => {
    const user = await signIn(`models-${randomUUID()}@example.test`)
    await jsonRequest(user.session, 'PUT', '/api/keys/openrouter', {
      apiKey: `sk-or-v1-${randomBytes(16).toString('hex')}`,
    })
    const response = await jsonRequest(user.session, 'GET', '/api/models')
    assert.equal(response.body.defaultModelId, DEFAULT_MODEL_ID)
  })
})
