import { test } from '@japa/runner'
import PlatformKeys from '#keys/platform_keys'
import ModelAccessService from '#catalog/services/model_access_service'
import type { CatalogModel } from '#catalog/catalog_types'

function model(overrides: Partial<CatalogModel> = {}): CatalogModel {
  return {
    uuid: 'uuid',
    id: 'anthropic/claude-sonnet-4.5',
    name: 'Claude Sonnet 4.5',
    provider: 'openrouter',
    vendor: 'Anthropic',
    upstreamId: 'anthropic/claude-sonnet-4.5',
    description: null,
    isAvailable: true,
    isPaidModel: true,
    isByokSupported: true,
    capabilities: {
      vision: true,
      reasoning: true,
      tools: true,
      image_generation: false,
      web_search: false,
      context_length: 200000,
      input_price_per_million: 3,
      output_price_per_million: 15,
    },
    ...overrides,
  }
}

const free = { isPayingUser: false, keyProviders: new Set<string>() }
const paying = { isPayingUser: true, keyProviders: new Set<string>() }
const withKey = (provider: string) => ({ isPayingUser: false, keyProviders: new Set([provider]) })

test.group('ModelAccessService', () => {
  test("the user's own key wins, whatever the plan", ({ assert }) => {
    const service = new ModelAccessService(new PlatformKeys({ openrouter: 'platform' }))
    assert.deepEqual(service.evaluate(model(), withKey('openrouter')), {
      usable: true,
      via: 'user_key',
    })
    // A key for another provider does not help.
    const other = service.evaluate(model(), withKey('openai'))
    assert.isFalse(other.usable)
  })

  test('platform key: free models for everyone, paid models for paying users', ({ assert }) => {
    const service = new ModelAccessService(new PlatformKeys({ openrouter: 'platform' }))
    assert.deepEqual(service.evaluate(model({ isPaidModel: false }), free), {
      usable: true,
      via: 'platform_key',
    })
    assert.deepEqual(service.evaluate(model(), paying), { usable: true, via: 'platform_key' })

    const locked = service.evaluate(model(), free)
    assert.deepEqual(locked, {
      usable: false,
      lock: {
        reason: 'needs_plan',
        keyProvider: 'openrouter',
        message:
          'Claude Sonnet 4.5 needs a paid plan, or your own OpenRouter key (Settings → API keys).',
      },
    })
  })

  test('no platform key: a key is the only way in, even for paying users', ({ assert }) => {
    const service = new ModelAccessService(new PlatformKeys({}))
    const locked = service.evaluate(model({ isPaidModel: false }), paying)
    assert.deepEqual(locked, {
      usable: false,
      lock: {
        reason: 'needs_key',
        keyProvider: 'openrouter',
        message: 'Add your OpenRouter key in Settings → API keys to use Claude Sonnet 4.5.',
      },
    })
    const direct = service.evaluate(
      model({ id: 'claude-sonnet-4-5', provider: 'anthropic', name: 'Claude (direct)' }),
      paying
    )
    assert.isFalse(direct.usable)
    if (!direct.usable) assert.equal(direct.lock.keyProvider, 'anthropic')
  })

  test('unavailable models are locked for everyone', ({ assert }) => {
    const service = new ModelAccessService(new PlatformKeys({ openrouter: 'platform' }))
    const result = service.evaluate(model({ isAvailable: false }), withKey('openrouter'))
    assert.isFalse(result.usable)
    if (!result.usable) assert.equal(result.lock.reason, 'unavailable')
  })

  test('emulator and self-hosted models need no key', ({ assert }) => {
    const service = new ModelAccessService(new PlatformKeys({}))
    const emulator = model({
      id: 'dev/emulator',
      provider: 'emulator',
      isPaidModel: false,
      isByokSupported: false,
    })
    assert.deepEqual(service.evaluate(emulator, free), { usable: true, via: 'emulator' })
    const local = model({
      id: 'local/llama3',
      provider: 'openai_compatible',
      isPaidModel: false,
      isByokSupported: false,
    })
    assert.deepEqual(service.evaluate(local, free), { usable: true, via: 'operator' })
    const paidLocal = service.evaluate({ ...local, isPaidModel: true }, free)
    assert.isFalse(paidLocal.usable)
  })
})
