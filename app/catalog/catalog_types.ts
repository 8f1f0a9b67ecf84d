/*
| Shapes shared by the catalog, the provider factory, key resolution and the
| model picker. A catalog model is one row of the `models` table.
*/

/* Who we call to run a model (the "route"), which is also whose key serves it. */
export const MODEL_PROVIDERS = [
  'openrouter',
  'openai',
  'anthropic',
  'google',
  'openai_compatible',
  'emulator',
] as const
export type ModelProvider = (typeof MODEL_PROVIDERS)[number]

/* Providers a user can bring a key for, in the order the settings page lists them. */
export const BYOK_PROVIDERS = ['openrouter', 'openai', 'anthropic', 'google'] as const
export type ByokProvider = (typeof BYOK_PROVIDERS)[number]

export const PROVIDER_LABELS: Record<ModelProvider, string> = {
  openrouter: 'OpenRouter',
  openai: 'OpenAI',
  anthropic: 'Anthropic',
  google: 'Google AI Studio',
  openai_compatible: 'Self-hosted',
  emulator: 'Development emulator',
}

export function isByokProvider(value: string): value is ByokProvider {
  return (BYOK_PROVIDERS as readonly string[]).includes(value)
}

export function isModelProvider(value: string): value is ModelProvider {
  return (MODEL_PROVIDERS as readonly string[]).includes(value)
}

export interface ModelCapabilities {
  vision: boolean
  reasoning: boolean
  tools: boolean
  image_generation: boolean
  web_search: boolean
  /* Tokens; null when unknown. */
  context_length: number | null
  /* US dollars per million tokens; null when unknown. */
  input_price_per_million: number | null
  output_price_per_million: number | null
}

/*
| Everything stored in models.capabilities (a JSON text column): the
| capability flags plus catalog metadata that has no column of its own.
*/
export interface StoredCapabilities extends ModelCapabilities {
  /* Who makes the model, for grouping in the picker (OpenAI, Anthropic, Meta...). */
  vendor: string
  /* The id sent to the provider when it differs from models.model_id. */
  upstream_id: string
  description: string | null
  /* 'config' for curated rows, 'openrouter' for rows only `models:sync --all` added. */
  source: 'config' | 'openrouter'
  /* ISO time of the last models:sync that refreshed this row. */
  synced_at: string | null
}

/* One curated entry in config/models.ts. */
export interface CuratedModel {
  /* models.model_id: an OpenRouter id (`anthropic/claude-sonnet-4.5`), a direct id (`gpt-5`)... */
  id: string
  name: string
  provider: ModelProvider
  vendor: string
  /* Sent to the provider; defaults to id. */
  upstreamId?: string
  description?: string
  paid: boolean
  byok: boolean
  capabilities: ModelCapabilities
}

/* A catalog model as services use it (one `models` row, decoded). */
export interface CatalogModel {
  /* models.id (uuid) */
  uuid: string
  id: string
  name: string
  provider: ModelProvider
  vendor: string
  upstreamId: string
  description: string | null
  isAvailable: boolean
  isPaidModel: boolean
  isByokSupported: boolean
  capabilities: ModelCapabilities
}
