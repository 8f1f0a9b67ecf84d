import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  createSecretKey,
  hkdfSync,
  randomBytes,
  timingSafeEqual,
  type KeyObject,
} from 'node:crypto'
import { MessageBuilder } from '@adonisjs/core/helpers'

/*
|--------------------------------------------------------------------------
| Cookie crypto with keys imported once
|--------------------------------------------------------------------------
|
| Node 24 imports a key (a KeyObject) every time createHmac or createCipheriv
| gets a raw Buffer: for a cookie-sized HMAC that is ~25 µs against ~4 µs
| with a KeyObject. The encryption library under Adonis' cookies, sessions
| and CSRF tokens (@boringnode/encryption) passes raw Buffers, and every
| signed-in request pays it several times: the signed session id (the MAC,
| then a constant-time compare made of two more HMACs), the session cookie
| and the XSRF token decrypted, a new XSRF token encrypted.
|
| These are the library's own formats, with the same key derivation, run
| with KeyObjects made once. Installing checks both ways against the library
| (each opens what the other sealed) and gives up if anything differs. What
| the fast path cannot verify or open still goes to the library's code, so
| a value in a format this does not know is handled as before, only slower.
|
*/

/* The slices of @boringnode/encryption's Encryption and MessageVerifier replaced here. */
export interface PatchableEncryption {
  encrypt(payload: any, expiresInOrOptions?: any, purpose?: string): string
  decrypt<T>(value: unknown, purpose?: string): T | null
  getMessageVerifier(): PatchableVerifier
}
interface PatchableVerifier {
  sign(payload: any, expiresIn?: string | number, purpose?: string): string
  unsign<T>(payload: string, purpose?: string): T | null
}

const IV_LENGTH = 12
const TAG_LENGTH = 16
const VERSION_PREFIX = 'v1:'
const SEPARATOR = '.'

function base64UrlEncode(data: Buffer | string): string {
  return Buffer.from(data).toString('base64url')
}

/* Strict, as the library's: canonical unpadded base64url only. */
function base64UrlDecode(encoded: string): Buffer | null {
  if (!/^[A-Za-z0-9_-]*$/.test(encoded) || encoded.length % 4 === 1) return null
  const buffer = Buffer.from(encoded, 'base64url')
  return buffer.toString('base64url') === encoded ? buffer : null
}

class FastVerifier {
  #keys: KeyObject[]

  constructor(secrets: string[]) {
    this.#keys = secrets.map((secret) =>
      createSecretKey(createHash('sha256').update(secret).digest())
    )
  }

  #mac(key: KeyObject, value: string) {
    return createHmac('sha256', key).update(value).digest()
  }

  sign(payload: unknown, expiresIn?: string | number, purpose?: string): string {
    if (payload === null || payload === undefined) throw new Error(`Cannot sign "${payload}" value`)
    const encoded = base64UrlEncode(new MessageBuilder().build(payload, expiresIn, purpose))
    return `${encoded}${SEPARATOR}${base64UrlEncode(this.#mac(this.#keys[0], encoded))}`
  }

  /* undefined: not verified here (ask the library); otherwise the library's answer. */
  unsign(payload: unknown, purpose?: string): unknown {
    if (typeof payload !== 'string') return undefined
    const parts = payload.split(SEPARATOR)
    if (parts.length !== 2 || !parts[0] || !parts[1]) return undefined
    const [encoded, hash] = parts
    const given = Buffer.from(hash)
    for (const key of this.#keys) {
      const expected = Buffer.from(base64UrlEncode(this.#mac(key, encoded)))
      if (expected.length === given.length && timingSafeEqual(expected, given)) {
        const decoded = base64UrlDecode(encoded)
        if (!decoded) return undefined
        return new MessageBuilder().verify(decoded.toString('utf8'), purpose)
      }
    }
    return undefined
  }
}

class FastAes256Gcm {
  #keys: KeyObject[]
  #id: string

  constructor(secrets: string[], id: string) {
    this.#id = id
    this.#keys = secrets.map((secret) => {
      const cryptoKey = createHash('sha256').update(secret).digest()
      const derived = hkdfSync(
        'sha256',
        cryptoKey,
        Buffer.alloc(0),
        Buffer.from(`aes-256-gcm:v1:${id}`),
        32
      )
      return createSecretKey(Buffer.from(derived))
    })
  }

  encrypt(payload: unknown, expiresInOrOptions?: unknown, purpose?: string): string {
    let expiresIn: string | number | undefined
    let actualPurpose = purpose
    if (typeof expiresInOrOptions === 'object' && expiresInOrOptions !== null) {
      const options = expiresInOrOptions as { expiresIn?: string | number; purpose?: string }
      expiresIn = options.expiresIn
      actualPurpose = options.purpose
    } else {
      expiresIn = expiresInOrOptions as string | number | undefined
    }
    const iv = randomBytes(IV_LENGTH)
    const cipher = createCipheriv('aes-256-gcm', this.#keys[0], iv, { authTagLength: TAG_LENGTH })
    if (actualPurpose) {
      cipher.setAAD(Buffer.from(actualPurpose), {
        plaintextLength: Buffer.byteLength(actualPurpose),
      })
    }
    const plain = new MessageBuilder().build(payload, expiresIn)
    const cipherText = Buffer.concat([cipher.update(plain), cipher.final()])
    return [
      this.#id,
      `${VERSION_PREFIX}${base64UrlEncode(cipherText)}`,
      base64UrlEncode(iv),
      base64UrlEncode(cipher.getAuthTag()),
    ].join(SEPARATOR)
  }

  /* undefined: not opened here (ask the library); otherwise the library's answer. */
  decrypt(value: unknown, purpose?: string): unknown {
    if (typeof value !== 'string') return undefined
    const parts = value.split(SEPARATOR)
    if (parts.length !== 4) return undefined
    const [id, cipherEncoded, ivEncoded, tagEncoded] = parts
    if (id !== this.#id || !cipherEncoded.startsWith(VERSION_PREFIX)) return undefined
    const cipherText = base64UrlDecode(cipherEncoded.slice(VERSION_PREFIX.length))
    const iv = base64UrlDecode(ivEncoded)
    const tag = base64UrlDecode(tagEncoded)
    if (!cipherText || iv?.length !== IV_LENGTH || tag?.length !== TAG_LENGTH) return undefined
    for (const key of this.#keys) {
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_LENGTH })
        if (purpose) {
          decipher.setAAD(Buffer.from(purpose), { plaintextLength: Buffer.byteLength(purpose) })
        }
        decipher.setAuthTag(tag)
        const plain = Buffer.concat([decipher.update(cipherText), decipher.final()])
        return new MessageBuilder().verify(plain)
      } catch {
        // Not this key (or not ours at all): the next one, then the library.
      }
    }
    return undefined
  }
}

/*
| Puts the fast paths in front of `encryption`'s (the app's default encryptor,
| AES-256-GCM) own methods. `secrets`: the APP_KEYs it was built with, newest
| first. Returns false, changing nothing, when the self-check fails.
*/
export function installFastEncryption(encryption: PatchableEncryption, secrets: string[]): boolean {
  if (secrets.length === 0) return false
  const verifier = encryption.getMessageVerifier()
  const library = {
    encrypt: encryption.encrypt.bind(encryption),
    decrypt: encryption.decrypt.bind(encryption),
    sign: verifier.sign.bind(verifier),
    unsign: verifier.unsign.bind(verifier),
  }
  const probe = { check: randomBytes(8).toString('hex') }
  const sealedByLibrary = library.encrypt(probe, undefined, 'fast-encryption-check')
  const id = sealedByLibrary.split(SEPARATOR)[0]
  const fastVerifier = new FastVerifier(secrets)
  const fastAes = new FastAes256Gcm(secrets, id)

  const same = (value: unknown) => JSON.stringify(value) === JSON.stringify(probe)
  const signedByLibrary = library.sign(probe, undefined, 'fast-encryption-check')
  const agrees =
    same(fastAes.decrypt(sealedByLibrary, 'fast-encryption-check')) &&
    same(
      library.decrypt(
        fastAes.encrypt(probe, undefined, 'fast-encryption-check'),
        'fast-encryption-check'
      )
    ) &&
    same(fastVerifier.unsign(signedByLibrary, 'fast-encryption-check')) &&
    same(
      library.unsign(
        fastVerifier.sign(probe, undefined, 'fast-encryption-check'),
        'fast-encryption-check'
      )
    ) &&
    fastAes.decrypt(sealedByLibrary, 'another-purpose') === undefined
  if (!agrees) return false

  encryption.encrypt = (payload, expiresInOrOptions, purpose) =>
    fastAes.encrypt(payload, expiresInOrOptions, purpose)
  encryption.decrypt = <T>(value: unknown, purpose?: string) => {
    const opened = fastAes.decrypt(value, purpose)
    return opened === undefined ? library.decrypt<T>(value, purpose) : (opened as T | null)
  }
  verifier.sign = (payload, expiresIn, purpose) => fastVerifier.sign(payload, expiresIn, purpose)
  verifier.unsign = <T>(payload: string, purpose?: string) => {
    const verified = fastVerifier.unsign(payload, purpose)
    return verified === undefined ? library.unsign<T>(payload, purpose) : (verified as T | null)
  }
  return true
}
