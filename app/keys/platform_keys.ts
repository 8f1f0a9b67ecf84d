import env from '#start/env'
import type { ModelProvider } from '#catalog/catalog_types'

/*
| The platform's own provider keys (env OPENROUTER_API_KEY, OPENAI_API_KEY):
| they serve users without a key of their own where the plan allows it.
| Resolved from the container so tests can swap in keys the emulator accepts.
*/
export function platformKeysFromEnv(): Partial<Record<ModelProvider, string>> {
  return {
    openrouter: env.get('OPENROUTER_API_KEY')?.release() || undefined,
    openai: env.get('OPENAI_API_KEY')?.release() || undefined,
  }
}

export default class PlatformKeys {
  #keys: Partial<Record<ModelProvider, string>>

  // A default (not an optional parameter) keeps constructor.length 0 for the container.
  constructor(keys: Partial<Record<ModelProvider, string>> = platformKeysFromEnv()) {
    this.#keys = keys
  }

  has(provider: ModelProvider): boolean {
    return !!this.#keys[provider]
  }

  get(provider: ModelProvider): string | undefined {
    return this.#keys[provider] || undefined
  }
}
