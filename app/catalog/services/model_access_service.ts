import { inject } from '@adonisjs/core'
import PlatformKeys from '#keys/platform_keys'
import { emulatorEnabled } from '#config/models'
import { PROVIDER_LABELS, type CatalogModel, type ModelProvider } from '#catalog/catalog_types'

/*
|--------------------------------------------------------------------------
| Who may use which model
|--------------------------------------------------------------------------
|
| The single place that decides whether a user can run a model and, if not,
| why (the lock reason the picker shows and the reply endpoint returns).
| Plans do not exist yet: `users.is_paying_user` stands for "has a paid
| plan". The quota/paywall work extends `evaluate` (per-plan model lists,
| allowances) without callers changing.
|
| Order: the user's own key for the model's provider, else the platform key
| if the plan allows the model, else locked with "add a key" / "upgrade".
|
*/

export type AccessVia = 'user_key' | 'platform_key' | 'operator' | 'emulator'

export type LockReason = 'needs_key' | 'needs_plan' | 'unavailable'

export interface ModelLock {
  reason: LockReason
  /* The provider a key would unlock it for (null when no key can). */
  keyProvider: ModelProvider | null
  message: string
}

export type ModelAccess = { usable: true; via: AccessVia } | { usable: false; lock: ModelLock }

export interface AccessSubject {
  isPayingUser: boolean
  /* Providers the user has a saved, active key for. */
  keyProviders: ReadonlySet<string>
}

@inject()
export default class ModelAccessService {
  constructor(protected platformKeys: PlatformKeys) {}

  planAllows(model: CatalogModel, subject: Pick<AccessSubject, 'isPayingUser'>): boolean {
    return !model.isPaidModel || subject.isPayingUser
  }

  evaluate(model: CatalogModel, subject: AccessSubject): ModelAccess {
    const label = PROVIDER_LABELS[model.provider]
    if (!model.isAvailable)
      return locked('unavailable', null, `${model.name} is not available right now.`)

    if (model.provider === 'emulator') {
      return emulatorEnabled()
        ? { usable: true, via: 'emulator' }
        : locked('unavailable', null, `${model.name} only exists in development.`)
    }

    if (model.provider === 'openai_compatible') {
      if (!this.planAllows(model, subject)) {
        return locked('needs_plan', null, `${model.name} needs a paid plan.`)
      }
      return { usable: true, via: 'operator' }
    }

    if (model.isByokSupported && subject.keyProviders.has(model.provider)) {
      return { usable: true, via: 'user_key' }
    }

    if (this.platformKeys.has(model.provider)) {
      if (this.planAllows(model, subject)) return { usable: true, via: 'platform_key' }
      return model.isByokSupported
        ? locked(
            'needs_plan',
            model.provider,
            `${model.name} needs a paid plan, or your own ${label} key (Settings → API keys).`
          )
        : locked('needs_plan', null, `${model.name} needs a paid plan.`)
    }

    return model.isByokSupported
      ? locked(
          'needs_key',
          model.provider,
          `Add your ${label} key in Settings → API keys to use ${model.name}.`
        )
      : locked('unavailable', null, `${model.name} is not available right now.`)
  }
}

function locked(
  reason: LockReason,
  keyProvider: ModelProvider | null,
  message: string
): ModelAccess {
  return { usable: false, lock: { reason, keyProvider, message } }
}
