import { test } from '@japa/runner'
import app from '@adonisjs/core/services/app'
import KeyResolver from '#keys/services/key_resolver'
import ProviderFactory from '#llm/services/provider_factory'
import UserKeysService from '#keys/services/user_keys_service'
import KeyRotationService from '#keys/services/key_rotation_service'
import ApiKeyVault, { configuredAppKeys, keyVersionOf } from '#keys/services/api_key_vault'
import ModelAccessService from '#catalog/services/model_access_service'
import OpenRouterSyncService from '#catalog/services/openrouter_sync_service'
import ModelsController from '#catalog/controllers/models_controller'
import ApiKeysController from '#keys/controllers/api_keys_controller'
import LlmEndpoints, { DEFAULT_ENDPOINTS } from '#llm/llm_endpoints'

/* Generation and the commands build these from the container, with nothing swapped. */
test.group('Container wiring', () => {
  test('every service and controller resolves with its real dependencies', async ({ assert }) => {
    for (const binding of [
      KeyResolver,
      ProviderFactory,
      UserKeysService,
      KeyRotationService,
      ModelAccessService,
      OpenRouterSyncService,
      ModelsController,
      ApiKeysController,
    ]) {
      assert.instanceOf(await app.container.make(binding as any), binding, binding.name)
    }
  })

  test('one vault per process, on the configured APP_KEY', async ({ assert }) => {
    const vault = await app.container.make(ApiKeyVault)
    assert.strictEqual(await app.container.make(ApiKeyVault), vault)
    assert.equal(vault.currentVersion, keyVersionOf(configuredAppKeys()[0]))
  })

  test('endpoints default to the public APIs', async ({ assert }) => {
    const endpoints = await app.container.make(LlmEndpoints)
    assert.equal(endpoints.urls.openrouter, DEFAULT_ENDPOINTS.openrouter)
    assert.equal(endpoints.urls.openai, DEFAULT_ENDPOINTS.openai)
    assert.isNull(endpoints.urls.openaiCompatible)
  })
})
