import { randomBytes } from 'node:crypto'
import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import User from '#models/user'
import UserModel from '#models/user_model'
import ApiKeyVault, { configuredAppKeys, keyHint, keyVersionOf } from '#keys/services/api_key_vault'
import { runAce } from '#tests/support/ace'

/*
| `node ace keys:rotate` in a child process, as an operator runs it: APP_KEY
| set to a new key, the old one in APP_KEY_PREVIOUS. Every stored key (from
| every test so far) is rotated, so the test rotates back to the test
| APP_KEY at the end.
*/

const NEW_APP_KEY = `rotated-${randomBytes(16).toString('hex')}`

test.group('keys:rotate', (group) => {
  const testAppKey = configuredAppKeys()[0]
  const plainKeys = new Map<string, string>()
  let userId: string

  group.setup(async () => {
    const user = await User.create({
      logtoId: `rotate-${randomBytes(4).toString('hex')}`,
      email: `rotate-${randomBytes(4).toString('hex')}@example.test`,
    })
    userId = user.id
    const vault = new ApiKeyVault([testAppKey])
    for (const provider of ['openrouter', 'openai']) {
      const plain = `sk-${provider}-${randomBytes(12).toString('hex')}`
      plainKeys.set(provider, plain)
      const sealed = vault.seal(plain, user.id, provider)
      await UserModel.create({
        userId: user.id,
        provider,
        modelId: null,
        apiKey: sealed.ciphertext,
        keyVersion: sealed.keyVersion,
        keyHint: keyHint(plain),
        isActive: true,
      })
    }
    return async () => {
      await db.from('user_models').where('user_id', userId).delete()
    }
  })

  test('re-encrypts every key under the new APP_KEY, the old one still accepted meanwhile', async ({
    assert,
  }) => {
    const [count] = await db.from('user_models').count('* as total')
    const total = Number(count.total)

    const dry = await runAce(['keys:rotate', '--dry-run'], {
      APP_KEY: NEW_APP_KEY,
      APP_KEY_PREVIOUS: testAppKey,
    })
    assert.equal(dry.code, 0, dry.output)
    assert.include(dry.output, `Would re-encrypt ${total} of ${total} stored keys`)

    const { code, output } = await runAce(['keys:rotate'], {
      APP_KEY: NEW_APP_KEY,
      APP_KEY_PREVIOUS: testAppKey,
    })
    assert.equal(code, 0, output)
    assert.include(
      output,
      `Current key version ${keyVersionOf(NEW_APP_KEY)} (APP_KEY); 1 older key accepted`
    )
    assert.include(
      output,
      `Re-encrypted ${total} of ${total} stored keys; 0 already on the current APP_KEY`
    )
    assert.include(output, 'APP_KEY_PREVIOUS can be removed')
    for (const plain of plainKeys.values()) assert.notInclude(output, plain)

    const rows = await UserModel.query().where('user_id', userId)
    const onlyNew = new ApiKeyVault([NEW_APP_KEY])
    for (const row of rows) {
      assert.equal(row.keyVersion, keyVersionOf(NEW_APP_KEY))
      assert.equal(
        onlyNew.open({ ciphertext: row.apiKey, keyVersion: row.keyVersion }, userId, row.provider!),
        plainKeys.get(row.provider!)
      )
    }

    const again = await runAce(['keys:rotate'], { APP_KEY: NEW_APP_KEY, APP_KEY_PREVIOUS: '' })
    assert.equal(again.code, 0, again.output)
    assert.include(
      again.output,
      `Re-encrypted 0 of ${total} stored keys; ${total} already on the current APP_KEY`
    )
  })

  test('without the old key it refuses clearly, touches nothing, exits 1', async ({ assert }) => {
    const before = await db.from('user_models').where('user_id', userId).orderBy('id')
    const stranger = `stranger-${randomBytes(16).toString('hex')}`
    const { code, output } = await runAce(['keys:rotate'], {
      APP_KEY: stranger,
      APP_KEY_PREVIOUS: '',
    })
    assert.equal(code, 1, output)
    assert.include(output, 'which no configured APP_KEY/APP_KEY_PREVIOUS matches')
    assert.include(output, 'Keep APP_KEY_PREVIOUS until this command reports none left')
    const after = await db.from('user_models').where('user_id', userId).orderBy('id')
    assert.deepEqual(after, before)
  })

  test('rotating back to the test APP_KEY works the same way', async ({ assert }) => {
    const { code, output } = await runAce(['keys:rotate'], {
      APP_KEY: testAppKey,
      APP_KEY_PREVIOUS: NEW_APP_KEY,
    })
    assert.equal(code, 0, output)
    const remaining = await db.from('user_models').whereNot('key_version', keyVersionOf(testAppKey))
    assert.lengthOf(remaining, 0)
  })
})
