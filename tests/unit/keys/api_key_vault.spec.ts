import { test } from '@japa/runner'
import encryption from '@adonisjs/core/services/encryption'
import ApiKeyVault, {
  configuredAppKeys,
  keyHint,
  KeyUnreadableError,
  KeyVersionUnavailableError,
  keyVersionOf,
  maskKey,
  purposeFor,
} from '#keys/services/api_key_vault'

const OLD = 'old-app-key-0123456789abcdef0123'
const NEW = 'new-app-key-fedcba9876543210fedc'
const API_KEY = 'sk-or-v1-a1b2c3d4e5f6a7b8c9d0KEEPSECRET'

test.group('ApiKeyVault', () => {
  test('round trip; the ciphertext is not the key and differs every time', ({ assert }) => {
    const vault = new ApiKeyVault([NEW])
    const first = vault.seal(API_KEY, 'user-1', 'openrouter')
    const second = vault.seal(API_KEY, 'user-1', 'openrouter')
    assert.notInclude(first.ciphertext, API_KEY)
    assert.notInclude(first.ciphertext, 'KEEPSECRET')
    assert.notEqual(first.ciphertext, second.ciphertext)
    assert.match(first.ciphertext, /^gcm\./)
    assert.equal(first.keyVersion, keyVersionOf(NEW))
    assert.equal(vault.open(first, 'user-1', 'openrouter'), API_KEY)
  })

  test('a ciphertext only opens for its owner and provider', ({ assert }) => {
    const vault = new ApiKeyVault([NEW])
    const sealed = vault.seal(API_KEY, 'user-1', 'openrouter')
    assert.throws(() => vault.open(sealed, 'user-2', 'openrouter'), KeyUnreadableError as any)
    assert.throws(() => vault.open(sealed, 'user-1', 'openai'), KeyUnreadableError as any)
    const tampered = { ...sealed, ciphertext: sealed.ciphertext.slice(0, -3) + 'AAA' }
    assert.throws(() => vault.open(tampered, 'user-1', 'openrouter'), KeyUnreadableError as any)
  })

  test('key versions are fingerprints of the APP_KEY: stable, distinct, 31-bit', ({ assert }) => {
    assert.equal(keyVersionOf(NEW), keyVersionOf(NEW))
    assert.notEqual(keyVersionOf(NEW), keyVersionOf(OLD))
    assert.isAtLeast(keyVersionOf(NEW), 0)
    assert.isBelow(keyVersionOf(NEW), 2 ** 31)
  })

  test('rotation: the old key keeps working beside the new one, reseal moves a row', ({
    assert,
  }) => {
    const before = new ApiKeyVault([OLD])
    const sealedOld = before.seal(API_KEY, 'user-1', 'openai')

    const during = new ApiKeyVault([NEW, OLD])
    assert.equal(during.currentVersion, keyVersionOf(NEW))
    assert.deepEqual(during.knownVersions, [keyVersionOf(NEW), keyVersionOf(OLD)])
    assert.equal(during.open(sealedOld, 'user-1', 'openai'), API_KEY)

    const resealed = during.reseal(sealedOld, 'user-1', 'openai')!
    assert.equal(resealed.keyVersion, keyVersionOf(NEW))
    assert.isNull(during.reseal(resealed, 'user-1', 'openai'))

    const after = new ApiKeyVault([NEW])
    assert.equal(after.open(resealed, 'user-1', 'openai'), API_KEY)
    assert.throws(
      () => after.open(sealedOld, 'user-1', 'openai'),
      KeyVersionUnavailableError as any
    )
  })

  test("compatible with the app's encryption service (same driver, same id)", ({ assert }) => {
    const vault = new ApiKeyVault(configuredAppKeys())
    const sealed = vault.seal(API_KEY, 'user-1', 'google')
    assert.equal(encryption.decrypt(sealed.ciphertext, purposeFor('user-1', 'google')), API_KEY)
    assert.isNull(encryption.decrypt(sealed.ciphertext, purposeFor('user-1', 'openai')))
  })

  test('needs a key', ({ assert }) => {
    assert.throws(() => new ApiKeyVault([]))
  })
})

test.group('Key masking', () => {
  test('shows the last 4 characters only', ({ assert }) => {
    assert.equal(maskKey(API_KEY), '••••CRET')
    assert.equal(keyHint(API_KEY), 'CRET')
    assert.equal(maskKey('sk-abcdefghi'), '••••fghi')
    assert.equal(maskKey('sk-abcdefgh'), '••••fgh')
  })

  test('short strings reveal at most a third', ({ assert }) => {
    assert.equal(maskKey('abcdef'), '••••ef')
    assert.equal(maskKey('ab'), '••••')
    assert.equal(keyHint('ab'), '')
  })
})
