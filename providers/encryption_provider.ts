import type { ApplicationService } from '@adonisjs/core/types'
import { installFastEncryption, type PatchableEncryption } from '#core/fast_encryption'

/*
| The app's default encryptor (cookies, sessions, CSRF tokens) with its keys
| imported once (see app/core/fast_encryption.ts), before any request.
*/
export default class EncryptionProvider {
  constructor(protected app: ApplicationService) {}

  async boot() {
    const { encryptionKeys } = await import('#config/encryption')
    const manager = await this.app.container.make('encryption')
    const installed = installFastEncryption(
      manager.use() as unknown as PatchableEncryption,
      encryptionKeys
    )
    if (!installed) {
      const logger = await this.app.container.make('logger')
      logger.warn('fast cookie encryption not installed: the self-check failed')
    }
  }
}
