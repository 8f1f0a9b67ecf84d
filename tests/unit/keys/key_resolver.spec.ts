import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import User from '#models/user'
import UserModel from '#models/user_model'
import PlatformKeys from '#keys/platform_keys'
import LlmEndpoints from '#llm/llm_endpoints'
import ApiKeyVault, { keyHint } from '#keys/services/api_key_vault'
import KeyCheckService from '#keys/services/key_check_service'
import UserKeysService from '#keys/services/user_keys_service'
import KeyResolver, { ModelLockedException } from '#keys/services/key_resolver'
import { StoredKeyUnreadableException } from '#keys/key_errors'
import ModelAccessService from '#catalog/services/model_access_service'
import ModelCatalogService from '#catalog/services/model_catalog_service'
import type { CatalogModel } from '#catalog/catalog_types'

const vault = new ApiKeyVault(['resolver-test-app-key-0123456789ab'])
const USER_KEY = 'sk-or-v1-user-own-key-0000000001'
const PLATFORM_KEY = 'sk-or-v1-platform-key-000000000002'

function resolver(platform: Record<string, string>) {
  const keys = new PlatformKeys(platform)
  const userKeys = new UserKeysService(vault, new KeyCheckService(new LlmEndpoints()))
  return new KeyResolver(new ModelAccessService(keys), userKeys, vault, keys)
}

async function storeKey(userId: string, provider: string, apiKey: string) {
  const sealed = vault.seal(apiKey, userId, provider)
  return UserModel.create({
    userId,
    provider,
    modelId: null,
    apiKey: sealed.ciphertext,
    keyVersion: sealed.keyVersion,
    keyHint: keyHint(apiKey),
    isActive: true,
  })
}

async function catalogModel(id: string): Promise<CatalogModel> {
  const model = await new ModelCatalogService().find(id)
  if (!model) throw new Error(`${id} is not in the catalog`)
  return model
}

async function rejection(promise: Promise<unknown>) {
  try {
    await promise
  } catch (error) {
    return error
  }
  throw new Error('expected a rejection')
}

test.group('KeyResolver', (group) => {
  let alice: User
  let bob: User
  group.each.setup(async () => {
    await db.beginGlobalTransaction()
    alice = await User.create({ logtoId: 'resolver-alice', email: 'resolver-alice@example.test' })
    bob = await User.create({ logtoId: 'resolver-bob', email: 'resolver-bob@example.test' })
    return () => db.rollbackGlobalTransaction()
  })

  test("the user's own key serves the call and spends no quota", async ({ assert }) => {
    await storeKey(alice.id, 'openrouter', USER_KEY)
    const sonnet = await catalogModel('anthropic/claude-sonnet-4.5')
    const resolved = await resolver({ openrouter: PLATFORM_KEY }).resolve(alice, sonnet)
    assert.deepEqual(resolved, {
      via: 'user_key',
      provider: 'openrouter',
      apiKey: USER_KEY,
      countsAgainstQuota: false,
    })
  })

  test("another user's key never serves this user", async ({ assert }) => {
    await storeKey(bob.id, 'openrouter', USER_KEY)
    const sonnet = await catalogModel('anthropic/claude-sonnet-4.5')
    const error = await rejection(resolver({}).resolve(alice, sonnet))
    assert.instanceOf(error, ModelLockedException)
    assert.equal((error as ModelLockedException).lock.reason, 'needs_key')
  })

  test('the platform key serves free models, and paid ones for paying users', async ({
    assert,
  }) => {
    const mini = await catalogModel('openai/gpt-5-mini')
    const resolved = await resolver({ openrouter: PLATFORM_KEY }).resolve(alice, mini)
    assert.equal(resolved.via, 'platform_key')
    assert.equal(resolved.apiKey, PLATFORM_KEY)
    assert.isTrue(resolved.countsAgainstQuota)

    const sonnet = await catalogModel('anthropic/claude-sonnet-4.5')
    const locked = await rejection(resolver({ openrouter: PLATFORM_KEY }).resolve(alice, sonnet))
    assert.instanceOf(locked, ModelLockedException)
    assert.equal((locked as ModelLockedException).status, 403)
    assert.equal((locked as ModelLockedException).lock.reason, 'needs_plan')
    assert.equal(
      (locked as ModelLockedException).message,
      'Claude Sonnet 4.5 needs a paid plan, or your own OpenRouter key (Settings → API keys).'
    )

    alice.isPayingUser = true
    const paid = await resolver({ openrouter: PLATFORM_KEY }).resolve(alice, sonnet)
    assert.equal(paid.via, 'platform_key')
  })

  test('no key anywhere: a clear "add a key" answer', async ({ assert }) => {
    const direct = await catalogModel('claude-sonnet-4-5')
    const error = (await rejection(
      resolver({ openrouter: PLATFORM_KEY }).resolve({ id: alice.id, isPayingUser: true }, direct)
    )) as ModelLockedException
    assert.equal(error.lock.reason, 'needs_key')
    assert.equal(error.lock.keyProvider, 'anthropic')
    assert.include(error.message, 'Add your Anthropic key')

    await storeKey(alice.id, 'anthropic', 'sk-ant-api03-alice-direct-key')
    const resolved = await resolver({}).resolve(alice, direct)
    assert.equal(resolved.apiKey, 'sk-ant-api03-alice-direct-key')
  })

  test('an inactive key does not count', async ({ assert }) => {
    const row = await storeKey(alice.id, 'openrouter', USER_KEY)
    row.isActive = false
    await row.save()
    const sonnet = await catalogModel('anthropic/claude-sonnet-4.5')
    const error = await rejection(resolver({}).resolve(alice, sonnet))
    assert.instanceOf(error, ModelLockedException)
  })

  test('a key that no longer decrypts is reported, never replaced by the platform key', async ({
    assert,
  }) => {
    const row = await storeKey(alice.id, 'openrouter', USER_KEY)
    // Bob's ciphertext pasted into Alice's row: bound to Bob, it does not open.
    row.apiKey = vault.seal(USER_KEY, bob.id, 'openrouter').ciphertext
    await row.save()
    const mini = await catalogModel('openai/gpt-5-mini')
    const error = await rejection(resolver({ openrouter: PLATFORM_KEY }).resolve(alice, mini))
    assert.instanceOf(error, StoredKeyUnreadableException)
    assert.notInclude((error as Error).message, USER_KEY)
  })

  test('the development emulator needs no key', async ({ assert }) => {
    const emulator = await catalogModel('dev/emulator')
    const resolved = await resolver({}).resolve(alice, emulator)
    assert.equal(resolved.via, 'emulator')
    assert.isUndefined(resolved.apiKey)
  })
})
