import { inject } from '@adonisjs/core'
import { Exception } from '@adonisjs/core/exceptions'
import type { HttpContext } from '@adonisjs/core/http'
import env from '#start/env'
import PlatformKeys from '#keys/platform_keys'
import ApiKeyVault from '#keys/services/api_key_vault'
import UserKeysService from '#keys/services/user_keys_service'
import { StoredKeyUnreadableException } from '#keys/key_errors'
import ModelAccessService, {
  type AccessVia,
  type ModelLock,
} from '#catalog/services/model_access_service'
import { PROVIDER_LABELS, type CatalogModel, type ModelProvider } from '#catalog/catalog_types'

/* The key that serves one call. Hold it only for the call; never log or return it. */
export interface ResolvedKey {
  via: AccessVia
  provider: ModelProvider
  /* Undefined when the endpoint needs none (emulator, a keyless Ollama). */
  apiKey: string | undefined
  /* BYOK calls spend the user's key, not their quota. */
  countsAgainstQuota: boolean
}

export interface KeySubject {
  id: string
  isPayingUser: boolean
}

/* "Add a key or upgrade": 403 with the lock the picker shows. */
export class ModelLockedException extends Exception {
  static status = 403
  static code = 'E_MODEL_LOCKED'

  constructor(
    readonly modelId: string,
    readonly lock: ModelLock
  ) {
    super(lock.message)
  }

  /* The refusal as the UI reads it (the response body's error, a /live reply_error frame). */
  refusal() {
    return {
      code: this.code!,
      message: this.message,
      model: this.modelId,
      reason: this.lock.reason,
      keyProvider: this.lock.keyProvider,
    }
  }

  async handle(error: this, ctx: HttpContext) {
    ctx.response.status(error.status).send({ errors: [error.refusal()] })
  }
}

/*
|--------------------------------------------------------------------------
| Which key serves a call
|--------------------------------------------------------------------------
|
| The user's own key for the model's provider, else the platform key where
| the plan allows the model (ModelAccessService decides), else a
| ModelLockedException saying what would unlock it. The user's key is
| decrypted here and only here.
|
*/
@inject()
export default class KeyResolver {
  constructor(
    protected access: ModelAccessService,
    protected userKeys: UserKeysService,
    protected vault: ApiKeyVault,
    protected platformKeys: PlatformKeys
  ) {}

  async resolve(user: KeySubject, model: CatalogModel): Promise<ResolvedKey> {
    const sealed = model.isByokSupported
      ? await this.userKeys.sealed(user.id, model.provider)
      : null
    const decision = this.access.evaluate(model, {
      isPayingUser: user.isPayingUser,
      keyProviders: new Set(sealed ? [model.provider] : []),
    })
    if (!decision.usable) throw new ModelLockedException(model.id, decision.lock)

    switch (decision.via) {
      case 'user_key': {
        let apiKey: string
        try {
          // Opened for this call only (the encryption driver, ~28 µs): no copy is kept between
          // calls, so a replaced, rotated or deleted key is gone from this process with its row.
          apiKey = this.vault.open(sealed!, user.id, model.provider)
        } catch {
          throw new StoredKeyUnreadableException(
            `Your saved ${PROVIDER_LABELS[model.provider]} key can no longer be read. Add it again in Settings → API keys.`
          )
        }
        return { via: 'user_key', provider: model.provider, apiKey, countsAgainstQuota: false }
      }
      case 'platform_key':
        return {
          via: 'platform_key',
          provider: model.provider,
          apiKey: this.platformKeys.get(model.provider),
          countsAgainstQuota: true,
        }
      case 'operator':
        return {
          via: 'operator',
          provider: model.provider,
          apiKey: env.get('OPENAI_COMPATIBLE_API_KEY')?.release() || undefined,
          countsAgainstQuota: true,
        }
      case 'emulator':
        // Counts like the platform, so quotas and the paywall can be exercised in development.
        return {
          via: 'emulator',
          provider: model.provider,
          apiKey: undefined,
          countsAgainstQuota: true,
        }
    }
  }
}
