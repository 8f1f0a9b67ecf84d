import { createHmac } from 'node:crypto'
import { Encryption } from '@adonisjs/core/encryption'
import { AES256GCM } from '@adonisjs/core/encryption/drivers/aes_256_gcm'
import env from '#start/env'

/*
|--------------------------------------------------------------------------
| API key vault
|--------------------------------------------------------------------------
|
| Seals users' provider keys with AES-256-GCM: Adonis core's encryption with
| the same driver and id ('gcm') as the app's `encryption` service, so a
| ciphertext from one opens with the other. The vault keeps one encryptor per
| APP_KEY (current first, then APP_KEY_PREVIOUS) so that:
|
| - `user_models.key_version` names exactly which APP_KEY sealed a row: it is
|   a 31-bit fingerprint (HMAC-SHA256 of a fixed label under that key), not a
|   counter an operator must bump. It reveals nothing about the key, cannot
|   drift out of sync with the env, and `keys:rotate` finds stale rows with
|   `key_version != current`.
| - each ciphertext is bound (AES-GCM associated data, the "purpose") to its
|   owner and provider: a ciphertext copied into another user's row, or to
|   another provider, does not open.
|
*/

const VERSION_LABEL = 'user_models.api_key:key-version'

export interface SealedKey {
  ciphertext: string
  keyVersion: number
}

export class KeyVersionUnavailableError extends Error {
  constructor(readonly keyVersion: number) {
    super(
      `No configured APP_KEY matches key version ${keyVersion}: add the key that sealed it to APP_KEY_PREVIOUS`
    )
  }
}

export class KeyUnreadableError extends Error {
  constructor() {
    super('A stored API key could not be decrypted (tampered, or sealed for another owner)')
  }
}

export function keyVersionOf(appKey: string): number {
  return createHmac('sha256', appKey).update(VERSION_LABEL).digest().readUInt32BE(0) & 0x7fffffff
}

export function purposeFor(userId: string, provider: string): string {
  return `user_models.api_key:${userId}:${provider}`
}

/* APP_KEY then each APP_KEY_PREVIOUS entry, as config/encryption.ts lists them. */
export function configuredAppKeys(): string[] {
  const previous = (env.get('APP_KEY_PREVIOUS')?.release() ?? '')
    .split(',')
    .map((key) => key.trim())
    .filter(Boolean)
  return [env.get('APP_KEY').release(), ...previous]
}

export default class ApiKeyVault {
  #encryptors: Map<number, Encryption>
  readonly currentVersion: number

  /* keys: current APP_KEY first, then older ones still accepted for decryption. */
  constructor(keys: string[] = configuredAppKeys()) {
    if (keys.length === 0 || !keys[0]) throw new Error('ApiKeyVault needs at least one APP_KEY')
    this.#encryptors = new Map()
    for (const key of keys) {
      const version = keyVersionOf(key)
      if (this.#encryptors.has(version)) continue
      this.#encryptors.set(
        version,
        new Encryption({
          driver: (secret) => new AES256GCM({ id: 'gcm', key: secret }),
          keys: [key],
        })
      )
    }
    this.currentVersion = keyVersionOf(keys[0])
  }

  /* Versions this process can open, current first. */
  get knownVersions(): number[] {
    return [...this.#encryptors.keys()]
  }

  canOpen(keyVersion: number): boolean {
    return this.#encryptors.has(keyVersion)
  }

  seal(apiKey: string, userId: string, provider: string): SealedKey {
    const encryptor = this.#encryptors.get(this.currentVersion)!
    return {
      ciphertext: encryptor.encrypt(apiKey, { purpose: purposeFor(userId, provider) }),
      keyVersion: this.currentVersion,
    }
  }

  open(sealed: SealedKey, userId: string, provider: string): string {
    const encryptor = this.#encryptors.get(sealed.keyVersion)
    if (!encryptor) throw new KeyVersionUnavailableError(sealed.keyVersion)
    const value = encryptor.decrypt<string>(sealed.ciphertext, purposeFor(userId, provider))
    if (typeof value !== 'string' || value.length === 0) throw new KeyUnreadableError()
    return value
  }

  /* Re-seal under the current APP_KEY; null when already current. */
  reseal(sealed: SealedKey, userId: string, provider: string): SealedKey | null {
    if (sealed.keyVersion === this.currentVersion) return null
    return this.seal(this.open(sealed, userId, provider), userId, provider)
  }
}

/*
| What the UI shows of a key: its last four characters. Short keys show
| less, so a mask never reveals more than a third of a key.
*/
export function maskKey(apiKey: string): string {
  const visible = Math.min(4, Math.floor(apiKey.length / 3))
  return visible > 0 ? `••••${apiKey.slice(-visible)}` : '••••'
}

export function keyHint(apiKey: string): string {
  const visible = Math.min(4, Math.floor(apiKey.length / 3))
  return visible > 0 ? apiKey.slice(-visible) : ''
}
