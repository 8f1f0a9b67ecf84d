import {
  createDecipheriv,
  createHash,
  createHmac,
  createSecretKey,
  hkdfSync,
  type KeyObject,
} from 'node:crypto'
import { Encryption } from '@adonisjs/core/encryption'
import { AES256GCM } from '@adonisjs/core/encryption/drivers/aes_256_gcm'
import { MessageBuilder } from '@adonisjs/core/helpers'
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
/* The driver id, as in config/encryption.ts: part of every ciphertext and of the derived key. */
const DRIVER_ID = 'gcm'

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

/*
| Opens what the AES256GCM driver sealed, in ~5 µs instead of the driver's
| ~28 µs (Node 24, measured on this VM). A key is opened on every reply and
| dropped after it (nothing keeps opened keys), so this sits on the reply
| path. The driver hands createDecipheriv its derived key as a Buffer, and
| that call alone costs ~13 µs (Node prepares the raw key on every call);
| given a KeyObject made once, ~1.6 µs.
|
| It reads the driver's own format, `gcm.v1:<data>.<iv>.<tag>` (base64url),
| with the driver's key, HKDF-SHA256(SHA-256(APP_KEY), info
| `aes-256-gcm:v1:gcm`), and the owner/provider purpose as associated data.
| It returns null for anything it does not open and the vault then asks the
| driver: a change of format in a later driver costs speed, never a key,
| and only GCM's tag decides what opens. tests/unit/keys/api_key_vault.spec.ts
| checks that it opens the driver's ciphertexts.
*/
export class GcmKeyOpener {
  #key: KeyObject
  #messages = new MessageBuilder()

  constructor(appKey: string) {
    const cryptoKey = createHash('sha256').update(appKey).digest()
    const derived = hkdfSync(
      'sha256',
      cryptoKey,
      Buffer.alloc(0),
      Buffer.from(`aes-256-gcm:v1:${DRIVER_ID}`),
      32
    )
    this.#key = createSecretKey(Buffer.from(derived))
  }

  open(ciphertext: string, purpose: string): string | null {
    const parts = ciphertext.split('.')
    if (parts.length !== 4 || parts[0] !== DRIVER_ID || !parts[1].startsWith('v1:')) return null
    const iv = Buffer.from(parts[2], 'base64url')
    const tag = Buffer.from(parts[3], 'base64url')
    if (iv.length !== 12 || tag.length !== 16) return null
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.#key, iv, { authTagLength: 16 })
      decipher.setAAD(Buffer.from(purpose))
      decipher.setAuthTag(tag)
      const data = Buffer.from(parts[1].slice(3), 'base64url')
      const plain = Buffer.concat([decipher.update(data), decipher.final()])
      const value = this.#messages.verify<unknown>(plain)
      return typeof value === 'string' ? value : null
    } catch {
      return null
    }
  }
}

export default class ApiKeyVault {
  #encryptors: Map<number, Encryption>
  #openers: Map<number, GcmKeyOpener>
  readonly currentVersion: number

  /* keys: current APP_KEY first, then older ones still accepted for decryption. */
  constructor(keys: string[] = configuredAppKeys()) {
    if (keys.length === 0 || !keys[0]) throw new Error('ApiKeyVault needs at least one APP_KEY')
    this.#encryptors = new Map()
    this.#openers = new Map()
    for (const key of keys) {
      const version = keyVersionOf(key)
      if (this.#encryptors.has(version)) continue
      this.#encryptors.set(
        version,
        new Encryption({
          driver: (secret) => new AES256GCM({ id: DRIVER_ID, key: secret }),
          keys: [key],
        })
      )
      this.#openers.set(version, new GcmKeyOpener(key))
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
    const purpose = purposeFor(userId, provider)
    const value =
      this.#openers.get(sealed.keyVersion)!.open(sealed.ciphertext, purpose) ??
      encryptor.decrypt<string>(sealed.ciphertext, purpose)
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
