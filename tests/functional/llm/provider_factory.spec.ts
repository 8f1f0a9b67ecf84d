import { test } from '@japa/runner'
import app from '@adonisjs/core/services/app'
import db from '@adonisjs/lucid/services/db'
import { streamText } from 'ai'
import User from '#models/user'
import UserModel from '#models/user_model'
import LlmEndpoints from '#llm/llm_endpoints'
import ProviderFactory from '#llm/services/provider_factory'
import { classifyProviderError } from '#llm/provider_errors'
import ModelCatalogService from '#catalog/services/model_catalog_service'
import ApiKeyVault, { keyHint } from '#keys/services/api_key_vault'
import KeyResolver, { type ResolvedKey } from '#keys/services/key_resolver'
import { devEmulator } from '#llm/emulator/dev_emulator'
import { startEmulatorForApp } from '#tests/support/llm'
import type { LlmEmulator } from '#llm/emulator/llm_emulator'
import type { CatalogModel } from '#catalog/catalog_types'
import { PROVIDER_LABELS } from '#catalog/catalog_types'

async function run(model: Awaited<ReturnType<ProviderFactory['languageModel']>>, prompt: string) {
  let text = ''
  let error: unknown
  const result = streamText({ model, prompt, maxRetries: 0, onError: () => {} })
  try {
    for await (const part of result.fullStream) {
      if (part.type === 'text-delta') text += part.text
      if (part.type === 'error') error = part.error
    }
  } catch (thrown) {
    error = thrown
  }
  return { text, error }
}

async function catalogModel(id: string): Promise<CatalogModel> {
  const model = await new ModelCatalogService().find(id)
  if (!model) throw new Error(`${id} missing`)
  return model
}

const key = (provider: CatalogModel['provider'], apiKey?: string): ResolvedKey => ({
  via: 'user_key',
  provider,
  apiKey,
  countsAgainstQuota: false,
})

test.group('ProviderFactory against the emulator', (group) => {
  let emulator: LlmEmulator

  group.setup(async () => {
    const started = await startEmulatorForApp({
      platformKeys: { openrouter: 'sk-or-platform-key' },
    })
    emulator = started.emulator
    app.container.swap(
      LlmEndpoints,
      () =>
        new LlmEndpoints({
          ...LlmEndpoints.forEmulator(emulator).urls,
          openaiCompatible: emulator.openaiBaseUrl,
        })
    )
    return started.stop
  })

  test('each provider speaks its wire format, with the key in its header', async ({ assert }) => {
    const factory = await app.container.make(ProviderFactory)
    const cases = [
      {
        id: 'anthropic/claude-sonnet-4.5',
        path: '/api/v1/chat/completions',
        apiKey: 'sk-or-v1-aaaa',
      },
      { id: 'gpt-5-mini', path: '/v1/responses', apiKey: 'sk-proj-bbbb' },
      { id: 'claude-sonnet-4-5', path: '/v1/chat/completions', apiKey: 'sk-ant-cccc' },
      { id: 'gemini-2.5-flash', path: '/v1beta/openai/chat/completions', apiKey: 'AIzaDDDD' },
    ]
    for (const { id, path, apiKey } of cases) {
      const model = await catalogModel(id)
      const language = await factory.languageModel(model, key(model.provider, apiKey))
      const { text, error } = await run(language, `Hello ${id} [[tokens:4]]`)
      assert.isUndefined(error, id)
      assert.equal(text, `Echo: Hello ${id} lorem`, id)
      const request = emulator.requests.at(-1)!
      assert.equal(request.path, path, id)
      assert.equal(request.headers.authorization, `Bearer ${apiKey}`, id)
      assert.equal((request.body as { model: string }).model, model.upstreamId, id)
    }
  })

  test('an OpenAI-compatible server (OPENAI_COMPATIBLE_*)', async ({ assert }) => {
    const factory = await app.container.make(ProviderFactory)
    const local: CatalogModel = {
      ...(await catalogModel('dev/emulator')),
      id: 'local/llama3.2',
      upstreamId: 'llama3.2',
      provider: 'openai_compatible',
    }
    const language = await factory.languageModel(local, {
      ...key('openai_compatible'),
      via: 'operator',
    })
    // Like Ollama, this server takes requests without a key.
    emulator.configure({ isValidKey: () => true })
    try {
      const { text } = await run(language, 'Local [[tokens:2]]')
      assert.equal(text, 'Echo: Local')
    } finally {
      emulator.configure({
        isValidKey: (candidate) => candidate.length > 0 && !candidate.startsWith('bad'),
      })
    }
    const request = emulator.requests.at(-1)!
    assert.equal((request.body as { model: string }).model, 'llama3.2')
    assert.isUndefined(request.headers.authorization)
  })

  test('the development emulator model runs the in-process emulator, no key', async ({
    assert,
  }) => {
    const factory = await app.container.make(ProviderFactory)
    const model = await catalogModel('dev/emulator')
    const language = await factory.languageModel(model, {
      via: 'emulator',
      provider: 'emulator',
      apiKey: undefined,
      countsAgainstQuota: true,
    })
    const { text } = await run(language, 'Dev mode [[tokens:3]]')
    assert.equal(text, 'Echo: Dev mode')
    const dev = await devEmulator()
    assert.notEqual(dev.url, emulator.url)
    assert.equal(dev.requests.at(-1)?.path, '/v1/chat/completions')
  })

  test('a key for another provider is refused; a missing key too', async ({ assert }) => {
    const factory = await app.container.make(ProviderFactory)
    const model = await catalogModel('anthropic/claude-sonnet-4.5')
    await assert.rejects(() => factory.languageModel(model, key('openai', 'sk-x')))
    await assert.rejects(() => factory.languageModel(model, key('openrouter', undefined)))
  })
})

test.group('KeyResolver + ProviderFactory: a call on the user key', (group) => {
  let emulator: LlmEmulator

  group.setup(async () => {
    const started = await startEmulatorForApp({
      platformKeys: { openrouter: 'sk-or-platform-key' },
    })
    emulator = started.emulator
    return started.stop
  })
  group.each.setup(async () => {
    await db.beginGlobalTransaction()
    return () => db.rollbackGlobalTransaction()
  })

  test("the user's key reaches the provider; the platform key serves others", async ({
    assert,
  }) => {
    const vault = await app.container.make(ApiKeyVault)
    const alice = await User.create({
      logtoId: 'factory-alice',
      email: 'factory-alice@example.test',
    })
    const bob = await User.create({ logtoId: 'factory-bob', email: 'factory-bob@example.test' })
    const aliceKey = 'sk-or-v1-alice-own-key-123456'
    const sealed = vault.seal(aliceKey, alice.id, 'openrouter')
    await UserModel.create({
      userId: alice.id,
      provider: 'openrouter',
      modelId: null,
      apiKey: sealed.ciphertext,
      keyVersion: sealed.keyVersion,
      keyHint: keyHint(aliceKey),
      isActive: true,
    })

    const resolver = await app.container.make(KeyResolver)
    const factory = await app.container.make(ProviderFactory)
    const model = await catalogModel('openai/gpt-5-mini')

    const aliceCall = await resolver.resolve(alice, model)
    await run(await factory.languageModel(model, aliceCall), 'From Alice')
    assert.equal(emulator.requests.at(-1)!.headers.authorization, `Bearer ${aliceKey}`)

    const bobCall = await resolver.resolve(bob, model)
    assert.equal(bobCall.via, 'platform_key')
    await run(await factory.languageModel(model, bobCall), 'From Bob')
    assert.equal(emulator.requests.at(-1)!.headers.authorization, 'Bearer sk-or-platform-key')
  })

  test('a provider 401 on the user key becomes a clear bad_key answer without the key', async ({
    assert,
  }) => {
    const factory = await app.container.make(ProviderFactory)
    const model = await catalogModel('openai/gpt-5-mini')
    const badKey = 'bad-or-v1-revoked-key-987654321'
    const { error } = await run(
      await factory.languageModel(model, key('openrouter', badKey)),
      'Hello'
    )
    assert.exists(error)
    // The emulator echoed the key in its answer, as some providers do.
    assert.include(JSON.stringify((error as { responseBody?: string }).responseBody), badKey)
    const failure = classifyProviderError(error, {
      providerLabel: PROVIDER_LABELS.openrouter,
      keySource: 'user',
      secrets: [badKey],
    })
    assert.equal(failure.kind, 'bad_key')
    assert.equal(
      failure.reason,
      'OpenRouter rejected your API key. Check or replace it in Settings → API keys.'
    )
    assert.notInclude(JSON.stringify(failure), badKey)
  })
})
