/*
| What GET /api/models returns (app/catalog/controllers/models_controller.ts).
| Mirrored here because the browser build cannot import server code.
*/

export type ModelProvider =
  'openrouter' | 'openai' | 'anthropic' | 'google' | 'openai_compatible' | 'emulator'

export interface ModelCapabilities {
  vision: boolean
  reasoning: boolean
  tools: boolean
  image_generation: boolean
  web_search: boolean
  context_length: number | null
  input_price_per_million: number | null
  output_price_per_million: number | null
}

export interface ModelLock {
  reason: 'needs_key' | 'needs_plan' | 'unavailable'
  keyProvider: ModelProvider | null
  message: string
}

export type ModelAccess =
  | { usable: true; via: 'user_key' | 'platform_key' | 'operator' | 'emulator' }
  | { usable: false; lock: ModelLock }

export interface CatalogEntry {
  id: string
  name: string
  provider: ModelProvider
  providerLabel: string
  vendor: string
  description: string | null
  isPaidModel: boolean
  isByokSupported: boolean
  capabilities: ModelCapabilities
  access: ModelAccess
}
