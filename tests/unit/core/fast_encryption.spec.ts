import { test } from '@japa/runner'
import { randomBytes } from 'node:crypto'
import { Encryption } from '@adonisjs/core/encryption'
import { AES256GCM } from '@adonisjs/core/encryption/drivers/aes_256_gcm'
import { installFastEncryption, type PatchableEncryption } from '#core/fast_encryption'

const key = () => randomBytes(32).toString('hex')

/* An encryptor as config/encryption.ts builds it: AES-256-GCM, keys newest first. */
function library(keys: string[]) {
  return new Encryption({
    driver: (secret) => new AES256GCM({ id: 'gcm', key: secret }),
    keys,
  })
}

function patched(keys: string[]) {
  const encryption = library(keys)
  const installed = installFastEncryption(encryption as unknown as PatchableEncryption, keys)
  return { encryption, installed }
}

const session = {
  'auth_web': 'b3f1c6a2-8a63-4d6c-9a27-2f0d5e0d7d11',
  'csrf-secret': 'abcdefghijklmnopqrstuvwx',
  'logto': { idToken: 'x'.repeat(900), refreshToken: 'z'.repeat(60) },
}

test.group('Fast cookie encryption', () => {
  test('installs only for the keys the encryptor was built with', ({ assert }) => {
    const keys = [key()]
    assert.isTrue(patched(keys).installed)
    const other = library(keys)
    assert.isFalse(installFastEncryption(other as unknown as PatchableEncryption, [key()]))
  })

  test('what it seals and signs, the library opens and verifies, and the other way', ({
    assert,
  }) => {
    const keys = [key()]
    const { encryption } = patched(keys)
    const plain = library(keys)

    const sealed = encryption.encrypt(session, undefined, 'session-id')
    assert.deepEqual(plain.decrypt(sealed, 'session-id'), session)
    assert.deepEqual(
      encryption.decrypt(plain.encrypt(session, undefined, 'session-id'), 'session-id'),
      session
    )

    const signed = encryption.getMessageVerifier().sign('a-session-id', undefined, 'chat-session')
    assert.equal(plain.getMessageVerifier().unsign(signed, 'chat-session'), 'a-session-id')
    const signedByLibrary = plain
      .getMessageVerifier()
      .sign('a-session-id', undefined, 'chat-session')
    assert.equal(
      encryption.getMessageVerifier().unsign(signedByLibrary, 'chat-session'),
      'a-session-id'
    )
  })

  test('a wrong purpose, a tampered value or a foreign key opens nothing', ({ assert }) => {
    const keys = [key()]
    const { encryption } = patched(keys)
    const sealed = encryption.encrypt(session, undefined, 'session-id')
    assert.isNull(encryption.decrypt(sealed, 'another-id'))
    const [id, cipher, iv, tag] = sealed.split('.')
    const flipped = cipher.slice(0, -2) + (cipher.at(-2) === 'A' ? 'B' : 'A') + cipher.at(-1)
    assert.isNull(encryption.decrypt([id, flipped, iv, tag].join('.'), 'session-id'))
    assert.isNull(
      encryption.decrypt(library([key()]).encrypt(session, undefined, 'session-id'), 'session-id')
    )
    assert.isNull(encryption.decrypt('not a ciphertext', 'session-id'))

    const verifier = encryption.getMessageVerifier()
    const signed = verifier.sign('a-session-id', undefined, 'chat-session')
    assert.isNull(verifier.unsign(signed, 'other-cookie'))
    assert.isNull(
      verifier.unsign(signed.slice(0, -1) + (signed.endsWith('A') ? 'B' : 'A'), 'chat-session')
    )
    const foreign = library([key()])
      .getMessageVerifier()
      .sign('a-session-id', undefined, 'chat-session')
    assert.isNull(verifier.unsign(foreign, 'chat-session'))
  })

  test('an expired signed value is refused', async ({ assert }) => {
    const { encryption } = patched([key()])
    const verifier = encryption.getMessageVerifier()
    const signed = verifier.sign('short-lived', '2 seconds', 'link')
    assert.equal(verifier.unsign(signed, 'link'), 'short-lived')
    const sealed = encryption.encrypt('short-lived', { expiresIn: '2 seconds', purpose: 'link' })
    assert.equal(encryption.decrypt(sealed, 'link'), 'short-lived')
    await new Promise((resolve) => setTimeout(resolve, 2_100))
    assert.isNull(verifier.unsign(signed, 'link'))
    assert.isNull(encryption.decrypt(sealed, 'link'))
  })

  test('during a key rotation, values sealed with the previous key still open', ({ assert }) => {
    const previous = key()
    const current = key()
    const before = library([previous])
    const sealed = before.encrypt(session, undefined, 'session-id')
    const signed = before.getMessageVerifier().sign('a-session-id', undefined, 'chat-session')

    const { encryption, installed } = patched([current, previous])
    assert.isTrue(installed)
    assert.deepEqual(encryption.decrypt(sealed, 'session-id'), session)
    assert.equal(encryption.getMessageVerifier().unsign(signed, 'chat-session'), 'a-session-id')
    // New values use the current key: the previous alone cannot open them.
    assert.isNull(
      before.decrypt(encryption.encrypt(session, undefined, 'session-id'), 'session-id')
    )
  })
})
