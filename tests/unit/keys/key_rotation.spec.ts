import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import User from '#models/user'
import UserModel from '#models/user_model'
import ApiKeyVault, { keyHint, keyVersionOf } from '#keys/services/api_key_vault'
import KeyRotationService from '#keys/services/key_rotation_service'

const OLD = 'rotation-old-app-key-0123456789abc'
const NEW = 'rotation-new-app-key-cba9876543210'
const LOST = 'rotation-lost-app-key-00000000000'

async function storeKey(vault: ApiKeyVault, userId: string, provider: string, apiKey: string) {
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

test.group('KeyRotationService', (group) => {
  group.each.setup(async () => {
    await db.beginGlobalTransaction()
    // Rotation covers the whole table: start each test from an empty one (rolled back after).
    await db.from('user_models').delete()
    return () => db.rollbackGlobalTransaction()
  })

  test('re-encrypts old rows under the new APP_KEY; running again does nothing', async ({
    assert,
  }) => {
    const user = await User.create({ logtoId: 'rotation-1', email: 'rotation-1@example.test' })
    const old = new ApiKeyVault([OLD])
    const during = new ApiKeyVault([NEW, OLD])
    await storeKey(old, user.id, 'openrouter', 'sk-or-v1-rotate-me-000000001')
    await storeKey(old, user.id, 'openai', 'sk-proj-rotate-me-000000002')
    await storeKey(during, user.id, 'google', 'AIzaRotateAlreadyCurrent0003')

    const service = new KeyRotationService(during)
    assert.equal(await service.pending(), 2)

    const dry = await service.rotate({ dryRun: true })
    assert.equal(dry.rotated, 2)
    assert.equal(await service.pending(), 2)

    const report = await service.rotate()
    assert.equal(report.total, 3)
    assert.equal(report.rotated, 2)
    assert.equal(report.alreadyCurrent, 1)
    assert.deepEqual(report.failed, [])
    assert.equal(await service.pending(), 0)

    const again = await service.rotate()
    assert.equal(again.rotated, 0)
    assert.equal(again.alreadyCurrent, 3)

    // Only the new APP_KEY is needed now.
    const after = new ApiKeyVault([NEW])
    const rows = await UserModel.query().where('user_id', user.id).orderBy('provider')
    const opened = rows.map((row) =>
      after.open({ ciphertext: row.apiKey, keyVersion: row.keyVersion }, user.id, row.provider!)
    )
    assert.deepEqual(opened, [
      'AIzaRotateAlreadyCurrent0003',
      'sk-proj-rotate-me-000000002',
      'sk-or-v1-rotate-me-000000001',
    ])
    assert.isTrue(rows.every((row) => row.keyVersion === keyVersionOf(NEW)))
  })

  test('rows sealed by a key nobody configured are reported, not touched', async ({ assert }) => {
    const user = await User.create({ logtoId: 'rotation-2', email: 'rotation-2@example.test' })
    const row = await storeKey(new ApiKeyVault([LOST]), user.id, 'openrouter', 'sk-or-v1-lost-0004')
    const before = row.apiKey

    const report = await new KeyRotationService(new ApiKeyVault([NEW, OLD])).rotate()
    assert.lengthOf(report.failed, 1)
    assert.deepEqual(report.failed[0], {
      rowId: row.id,
      provider: 'openrouter',
      keyVersion: keyVersionOf(LOST),
      reason: 'key_unavailable',
    })
    await row.refresh()
    assert.equal(row.apiKey, before)
  })

  test('the audit trail of a rotation holds no key, sealed or plain', async ({ assert }) => {
    const user = await User.create({ logtoId: 'rotation-3', email: 'rotation-3@example.test' })
    const plain = 'sk-or-v1-audited-key-0000000005'
    const row = await storeKey(new ApiKeyVault([OLD]), user.id, 'openrouter', plain)
    await new KeyRotationService(new ApiKeyVault([NEW, OLD])).rotate()
    await row.refresh()

    const audits = await db.from('audit_logs').where('model_id', row.id)
    assert.isAtLeast(audits.length, 2)
    const text = JSON.stringify(audits)
    assert.notInclude(text, plain)
    assert.notInclude(text, row.apiKey)
    const update = audits.find((audit) => audit.action === 'update')
    assert.equal(JSON.parse(update.new_data).api_key, '[redacted]')
    assert.equal(JSON.parse(update.new_data).key_version, keyVersionOf(NEW))
  })
})
