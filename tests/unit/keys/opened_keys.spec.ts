import { randomBytes } from 'node:crypto'
import { getHeapSnapshot } from 'node:v8'
import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import User from '#models/user'
import UserModel from '#models/user_model'
import PlatformKeys from '#keys/platform_keys'
import LlmEndpoints from '#llm/llm_endpoints'
import ApiKeyVault, { keyHint, type SealedKey } from '#keys/services/api_key_vault'
import KeyCheckService from '#keys/services/key_check_service'
import UserKeysService from '#keys/services/user_keys_service'
import KeyResolver, { ModelLockedException } from '#keys/services/key_resolver'
import ModelAccessService from '#catalog/services/model_access_service'
import ModelCatalogService from '#catalog/services/model_catalog_service'
import type { CatalogModel } from '#catalog/catalog_types'

/*
| "Decrypted only for the call": KeyResolver opens the stored key on every
| call and keeps nothing. A replaced key serves the very next call, a deleted
| one none, and once the calls are over the process holds no copy of the
| key's text (searched for in a heap snapshot).
*/

/* Counts the keys it opens. */
class CountingVault extends ApiKeyVault {
  opened = 0
  open(sealed: SealedKey, userId: string, provider: string): string {
    this.opened++
    return super.open(sealed, userId, provider)
  }
}

const HEX = Buffer.from('0123456789abcdef')

/*
| A random key as bytes: the test never holds it as a JS string, so a heap
| snapshot finding its text means someone else keeps it.
*/
function keyBytes(): Buffer {
  const random = randomBytes(24)
  const key = Buffer.alloc(9 + random.length * 2)
  key.write('sk-or-v1-', 'latin1')
  random.forEach((byte, index) => {
    key[9 + index * 2] = HEX[byte >> 4]
    key[10 + index * 2] = HEX[byte & 15]
  })
  return key
}

/* Whether any of `needles` occurs in a heap snapshot of this process (taken after a full GC). */
async function inHeap(needles: Buffer[]): Promise<boolean[]> {
  const found = needles.map(() => false)
  const overlap = Math.max(...needles.map((needle) => needle.length))
  let tail = Buffer.alloc(0)
  for await (const chunk of getHeapSnapshot()) {
    const window = Buffer.concat([tail, chunk as Buffer])
    needles.forEach((needle, index) => {
      if (!found[index] && window.includes(needle)) found[index] = true
    })
    tail = window.subarray(Math.max(0, window.length - overlap))
  }
  return found
}

async function catalogModel(id: string): Promise<CatalogModel> {
  const model = await new ModelCatalogService().find(id)
  if (!model) throw new Error(`${id} is not in the catalog`)
  return model
}

test.group('KeyResolver keeps no opened key', (group) => {
  let vault: CountingVault
  let resolver: KeyResolver
  let alice: User
  let sonnet: CatalogModel

  group.each.setup(async () => {
    await db.beginGlobalTransaction()
    vault = new CountingVault(['opened-keys-test-app-key-0123456789'])
    const platform = new PlatformKeys({})
    resolver = new KeyResolver(
      new ModelAccessService(platform),
      new UserKeysService(vault, new KeyCheckService(new LlmEndpoints())),
      vault,
      platform
    )
    alice = await User.create({ logtoId: 'opened-alice', email: 'opened-alice@example.test' })
    // A paid model: without a key of her own a free user is refused, never served another key.
    sonnet = await catalogModel('anthropic/claude-sonnet-4.5')
    return () => db.rollbackGlobalTransaction()
  })

  /* Stores (or replaces) Alice's OpenRouter key, as UserKeysService.save writes it. */
  async function storeKey(key: Buffer) {
    const text = key.toString('latin1')
    const sealed = vault.seal(text, alice.id, 'openrouter')
    const row =
      (await UserModel.query()
        .where('user_id', alice.id)
        .where('provider', 'openrouter')
        .first()) ?? new UserModel()
    row.merge({
      userId: alice.id,
      provider: 'openrouter',
      modelId: null,
      apiKey: sealed.ciphertext,
      keyVersion: sealed.keyVersion,
      keyHint: keyHint(text),
      isActive: true,
    })
    await row.save()
  }

  /* Whether the next call is served `key` (compared as bytes; the result is dropped here). */
  async function serves(key: Buffer) {
    const resolved = await resolver.resolve(alice, sonnet)
    return resolved.via === 'user_key' && Buffer.from(resolved.apiKey ?? '', 'latin1').equals(key)
  }

  async function refused() {
    try {
      await resolver.resolve(alice, sonnet)
      return false
    } catch (error) {
      return error instanceof ModelLockedException && error.lock.reason === 'needs_key'
    }
  }

  test('every call opens the stored key: nothing is served from memory', async ({ assert }) => {
    const key = keyBytes()
    await storeKey(key)
    assert.isTrue(await serves(key))
    assert.isTrue(await serves(key))
    assert.isTrue(await serves(key))
    assert.equal(vault.opened, 3)
  })

  test('a replaced key serves the very next call; a deleted key serves none', async ({
    assert,
  }) => {
    const first = keyBytes()
    const second = keyBytes()
    await storeKey(first)
    assert.isTrue(await serves(first))

    await storeKey(second)
    assert.isTrue(await serves(second))
    assert.isFalse(await serves(first))

    await UserModel.query().where('user_id', alice.id).where('provider', 'openrouter').delete()
    assert.isTrue(await refused())
  })

  test('after the calls, no copy of a replaced or deleted key is left in the process', async ({
    assert,
  }) => {
    const replaced = keyBytes()
    const deleted = keyBytes()
    await storeKey(replaced)
    assert.isTrue(await serves(replaced))
    await storeKey(deleted)
    assert.isTrue(await serves(deleted))
    await UserModel.query().where('user_id', alice.id).where('provider', 'openrouter').delete()
    assert.isTrue(await refused())

    // The search works: a key this test does hold as a string is found.
    const control = keyBytes()
    const held = [control.toString('latin1')]
    const [replacedFound, deletedFound, controlFound] = await inHeap([replaced, deleted, control])
    assert.isTrue(controlFound, 'the heap search finds a key held as a string')
    assert.lengthOf(held, 1)
    assert.isFalse(replacedFound, 'the replaced key is still in memory')
    assert.isFalse(deletedFound, 'the deleted key is still in memory')
  }).timeout(60_000)
})
