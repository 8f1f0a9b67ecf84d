import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import AiModel from '#models/ai_model'
import { LlmEmulator, DEFAULT_OPENROUTER_MODELS } from '#llm/emulator/llm_emulator'
import { runAce } from '#tests/support/ace'

/*
| `node ace models:sync` in a child process against the emulator's
| OpenRouter-shaped /api/v1/models. The models table is restored afterwards
| so other tests see the curated catalog.
*/

const sonnet = DEFAULT_OPENROUTER_MODELS.find(
  (model) => model.id === 'anthropic/claude-sonnet-4.5'
)!

test.group('models:sync', (group) => {
  let emulator: LlmEmulator
  let snapshot: Array<Record<string, unknown>>

  group.setup(async () => {
    emulator = await LlmEmulator.start()
    return () => emulator.close()
  })

  group.each.setup(async () => {
    snapshot = await db.from('models').select('*')
    emulator.configure({
      openRouterModels: DEFAULT_OPENROUTER_MODELS,
      openRouterModelsBody: undefined,
    })
    return async () => {
      const ids = snapshot.map((row) => row.id as string)
      await db.from('models').whereNotIn('id', ids).delete()
      for (const row of snapshot)
        await db
          .from('models')
          .where('id', row.id as string)
          .update(row)
    }
  })

  test('updates curated models from OpenRouter and marks missing ones unavailable', async ({
    assert,
  }) => {
    emulator.configure({
      openRouterModels: [
        {
          ...sonnet,
          pricing: { prompt: '0.000004', completion: '0.00002' },
          context_length: 500000,
        },
        ...DEFAULT_OPENROUTER_MODELS.filter((model) => model.id !== sonnet.id),
        { id: 'broken entry', pricing: 'free' } as any,
      ],
    })
    const { code, output } = await runAce(['models:sync'], {
      OPENROUTER_BASE_URL: emulator.openRouterBaseUrl,
    })
    assert.equal(code, 0, output)
    assert.include(output, `Fetching ${emulator.openRouterBaseUrl}/models`)
    assert.match(output, /5 models from OpenRouter: \d+ updated/)
    assert.include(output, 'updated  anthropic/claude-sonnet-4.5')
    assert.include(output, 'missing  x-ai/grok-4')
    assert.include(output, '1 entries had an unexpected shape and were skipped')

    const row = await AiModel.findByOrFail('model_id', 'anthropic/claude-sonnet-4.5')
    assert.include(row.capabilities!, {
      input_price_per_million: 4,
      output_price_per_million: 20,
      context_length: 500000,
      vision: true,
      tools: true,
      reasoning: true,
      vendor: 'Anthropic',
    })
    assert.isString(row.capabilities!.synced_at)
    assert.isTrue(row.isAvailable)

    const image = await AiModel.findByOrFail('model_id', 'google/gemini-2.5-flash-image')
    assert.isTrue(image.capabilities!.image_generation)

    const grok = await AiModel.findByOrFail('model_id', 'x-ai/grok-4')
    assert.isFalse(grok.isAvailable)
    // Direct-vendor rows are not OpenRouter's to change.
    const direct = await AiModel.findByOrFail('model_id', 'gpt-5')
    assert.isTrue(direct.isAvailable)
    // Not curated, not added without --all.
    assert.isNull(await AiModel.findBy('model_id', 'emulator/not-curated'))
  })

  test('--all adds uncurated models as paid, BYOK rows; --dry-run writes nothing', async ({
    assert,
  }) => {
    const dry = await runAce(['models:sync', '--all', '--dry-run'], {
      OPENROUTER_BASE_URL: emulator.openRouterBaseUrl,
    })
    assert.equal(dry.code, 0, dry.output)
    assert.include(dry.output, '[dry run]')
    assert.isNull(await AiModel.findBy('model_id', 'emulator/not-curated'))

    const { code, output } = await runAce(['models:sync', '--all'], {
      OPENROUTER_BASE_URL: emulator.openRouterBaseUrl,
    })
    assert.equal(code, 0, output)
    assert.include(output, 'added    emulator/not-curated')
    const added = await AiModel.findByOrFail('model_id', 'emulator/not-curated')
    assert.equal(added.providerName, 'openrouter')
    assert.equal(added.name, 'A model nobody curated')
    assert.equal(added.capabilities!.vendor, 'Emulator')
    assert.equal(added.capabilities!.source, 'openrouter')
    assert.isTrue(added.isPaidModel)
    assert.isTrue(added.isByokSupported)
  })

  test('network failure: a clear error and exit code 1', async ({ assert }) => {
    const gone = await LlmEmulator.start()
    const url = gone.openRouterBaseUrl
    await gone.close()
    const { code, output } = await runAce(['models:sync'], { OPENROUTER_BASE_URL: url })
    assert.equal(code, 1, output)
    assert.include(output, `Could not reach OpenRouter at ${url}/models: ECONNREFUSED`)
  })

  test('a payload that is not a models list: a clear error and exit code 1', async ({ assert }) => {
    emulator.configure({ openRouterModelsBody: { models: [] } })
    const { code, output } = await runAce(['models:sync'], {
      OPENROUTER_BASE_URL: emulator.openRouterBaseUrl,
    })
    assert.equal(code, 1, output)
    assert.include(
      output,
      `OpenRouter's answer from ${emulator.openRouterBaseUrl}/models is not a models list (data:`
    )

    emulator.configure({ openRouterModelsBody: { data: [{ nope: 1 }, { id: '' }] } })
    const invalid = await runAce(['models:sync'], {
      OPENROUTER_BASE_URL: emulator.openRouterBaseUrl,
    })
    assert.equal(invalid.code, 1, invalid.output)
    assert.include(invalid.output, 'None of the 2 models')
  })
})
