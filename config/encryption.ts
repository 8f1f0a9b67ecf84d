import env from '#start/env'
import { defineConfig, drivers } from '@adonisjs/core/encryption'

/*
| AES-256-GCM derived from APP_KEY. Keys are listed newest first: during a
| rotation the previous APP_KEY goes second so old ciphertexts still open.
*/
export const encryptionKeys = [
  env.get('APP_KEY').release(),
  ...(env.get('APP_KEY_PREVIOUS')?.release() ?? '')
    .split(',')
    .map((key) => key.trim())
    .filter(Boolean),
]

const encryptionConfig = defineConfig({
  default: 'gcm',
  list: {
    gcm: drivers.aes256gcm({
      keys: encryptionKeys,
      id: 'gcm',
    }),
  },
})

export default encryptionConfig

declare module '@adonisjs/core/types' {
  export interface EncryptorsList extends InferEncryptors<typeof encryptionConfig> {}
}
