import type AiModel from '#models/ai_model'
import {
  isModelProvider,
  type CatalogModel,
  type CuratedModel,
  type ModelCapabilities,
  type StoredCapabilities,
} from '#catalog/catalog_types'

/* Decoding between `models` rows (capabilities is a JSON text column) and catalog models. */

function bool(value: unknown): boolean {
  return value === true || value === 1 || value === 'true'
}

function numberOrNull(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null
}

export function capabilitiesOf(raw: Record<string, unknown> | null | undefined): ModelCapabilities {
  const value = raw ?? {}
  return {
    vision: bool(value.vision),
    reasoning: bool(value.reasoning),
    tools: bool(value.tools),
    image_generation: bool(value.image_generation),
    web_search: bool(value.web_search),
    context_length: numberOrNull(value.context_length),
    input_price_per_million: numberOrNull(value.input_price_per_million),
    output_price_per_million: numberOrNull(value.output_price_per_million),
  }
}

export function storedCapabilities(
  model: CuratedModel,
  source: StoredCapabilities['source'] = 'config',
  syncedAt: string | null = null
): StoredCapabilities {
  return {
    ...model.capabilities,
    vendor: model.vendor,
    upstream_id: model.upstreamId ?? model.id,
    description: model.description ?? null,
    source,
    synced_at: syncedAt,
  }
}

/* Null for rows whose provider this build does not know (never served). */
export function toCatalogModel(row: AiModel): CatalogModel | null {
  if (!isModelProvider(row.providerName)) return null
  const raw = row.capabilities ?? {}
  return {
    uuid: row.id,
    id: row.modelId,
    name: row.name,
    provider: row.providerName,
    vendor: typeof raw.vendor === 'string' ? raw.vendor : row.providerName,
    upstreamId:
      typeof raw.upstream_id === 'string' && raw.upstream_id ? raw.upstream_id : row.modelId,
    description: typeof raw.description === 'string' ? raw.description : null,
    isAvailable: row.isAvailable,
    isPaidModel: row.isPaidModel,
    isByokSupported: row.isByokSupported,
    capabilities: capabilitiesOf(raw),
  }
}
