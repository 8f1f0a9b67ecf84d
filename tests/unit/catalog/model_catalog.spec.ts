import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import AiModel from '#models/ai_model'
import ModelCatalogService from '#catalog/services/model_catalog_service'
import { catalogModels, curatedModels, EMULATOR_MODEL_ID, emulatorModel } from '#config/models'
import type { CuratedModel } from '#catalog/catalog_types'

test.group('Curated catalog (config/models.ts)', () => {
  test('ids are unique; OpenRouter ids have a vendor prefix, direct ids do not', ({ assert }) => {
    const ids = catalogModels().map((model) => model.id)
    assert.equal(new Set(ids).size, ids.length)
    for (const model of curatedModels) {
      if (model.provider === 'openrouter') assert.match(model.id, /^[\w-]+\/[\w.:-]+$/, model.id)
      else assert.notInclude(model.id, '/', model.id)
    }
  })

  test('covers the major vendors, directly and through OpenRouter', ({ assert }) => {
    const vendors = new Set(curatedModels.map((model) => model.vendor))
    for (const vendor of ['OpenAI', 'Anthropic', 'Google', 'Meta', 'Mistral', 'DeepSeek']) {
      assert.isTrue(vendors.has(vendor), vendor)
    }
    const providers = new Set(curatedModels.map((model) => model.provider))
    for (const provider of ['openrouter', 'openai', 'anthropic', 'google']) {
      assert.isTrue(providers.has(provider as CuratedModel['provider']), provider)
    }
    assert.exists(curatedModels.find((model) => model.id === 'anthropic/claude-sonnet-4.5'))
  })

  test('every curated model states its capabilities and prices', ({ assert }) => {
    for (const model of curatedModels) {
      const caps = model.capabilities
      assert.isAbove(caps.context_length ?? 0, 0, model.id)
      assert.isAtLeast(caps.input_price_per_million ?? -1, 0, model.id)
      assert.isAtLeast(caps.output_price_per_million ?? -1, 0, model.id)
      for (const flag of [
        'vision',
        'reasoning',
        'tools',
        'image_generation',
        'web_search',
      ] as const) {
        assert.isBoolean(caps[flag], `${model.id}.${flag}`)
      }
      assert.isTrue(model.byok, model.id)
    }
    assert.isTrue(curatedModels.some((model) => model.capabilities.image_generation))
    assert.isTrue(curatedModels.some((model) => model.capabilities.web_search))
    assert.isTrue(curatedModels.some((model) => model.paid))
    assert.isTrue(curatedModels.some((model) => !model.paid))
  })

  test('the development emulator is in the test catalog, labelled as such, free and keyless', ({
    assert,
  }) => {
    const emulator = catalogModels().find((model) => model.id === EMULATOR_MODEL_ID)
    assert.exists(emulator)
    assert.equal(emulator!.name, 'Development emulator')
    assert.equal(emulator!.provider, 'emulator')
    assert.isFalse(emulator!.paid)
    assert.isFalse(emulator!.byok)
  })
})

test.group('ModelCatalogService', (group) => {
  group.each.setup(async () => {
    await db.beginGlobalTransaction()
    return () => db.rollbackGlobalTransaction()
  })

  test('boot seeded the table; seeding again changes nothing', async ({ assert }) => {
    const service = new ModelCatalogService()
    // Every catalog model has its available row. Retired rows may be there too (from earlier
    // runs on this database, e.g. a test model that left the config): retired, never deleted.
    const rows = await AiModel.query().where('is_available', true).select('model_id')
    assert.sameMembers(
      rows.map((row) => row.modelId),
      catalogModels().map((model) => model.id)
    )

    const report = await service.seed()
    assert.deepEqual(report, { inserted: 0, updated: 0, retired: 0 })
  })

  test('list and find decode rows into catalog models', async ({ assert }) => {
    const service = new ModelCatalogService()
    const list = await service.list()
    assert.deepEqual(
      list.map((model) => model.id),
      catalogModels().map((model) => model.id)
    )
    const sonnet = await service.find('anthropic/claude-sonnet-4.5')
    assert.equal(sonnet?.provider, 'openrouter')
    assert.equal(sonnet?.vendor, 'Anthropic')
    assert.equal(sonnet?.upstreamId, 'anthropic/claude-sonnet-4.5')
    assert.isTrue(sonnet?.capabilities.vision)
    assert.isTrue(sonnet?.isPaidModel)
    const emulator = await service.find(EMULATOR_MODEL_ID)
    assert.equal(emulator?.upstreamId, 'emulator')
    assert.isNull(await service.find('nope/nothing'))
  })

  test('curated fields follow the config; synced facts survive a reseed', async ({ assert }) => {
    const service = new ModelCatalogService()
    const row = await AiModel.findByOrFail('model_id', 'openai/gpt-5-mini')
    row.capabilities = {
      ...row.capabilities,
      input_price_per_million: 9.99,
      synced_at: '2030-01-01T00:00:00.000Z',
    }
    row.name = 'Renamed by hand'
    await row.save()

    const report = await service.seed()
    assert.equal(report.updated, 1)
    await row.refresh()
    assert.equal(row.name, 'GPT-5 mini')
    assert.equal(row.capabilities?.input_price_per_million, 9.99)
  })

  test('a curated model that leaves the config is retired, not deleted; it comes back', async ({
    assert,
  }) => {
    const service = new ModelCatalogService()
    const without = catalogModels().filter((model) => model.id !== 'openai/gpt-4o-mini')
    const report = await service.seed(without)
    assert.equal(report.retired, 1)
    const row = await AiModel.findByOrFail('model_id', 'openai/gpt-4o-mini')
    assert.isFalse(row.isAvailable)
    const listed = await service.list()
    assert.notInclude(
      listed.map((model) => model.id),
      'openai/gpt-4o-mini'
    )

    await service.seed()
    await row.refresh()
    assert.isTrue(row.isAvailable)
  })

  test('a new curated model is inserted', async ({ assert }) => {
    const service = new ModelCatalogService()
    const extra: CuratedModel = { ...emulatorModel, id: 'dev/another', name: 'Another' }
    const report = await service.seed([...catalogModels(), extra])
    assert.equal(report.inserted, 1)
    const found = await service.find('dev/another')
    assert.equal(found?.name, 'Another')
  })
})
