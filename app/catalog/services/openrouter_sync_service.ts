import { inject } from '@adonisjs/core'
import { errors as vineErrors } from '@vinejs/vine'
import type { Infer } from '@vinejs/vine/types'
import AiModel from '#models/ai_model'
import LlmEndpoints from '#llm/llm_endpoints'
import PlatformKeys from '#keys/platform_keys'
import { capabilitiesOf } from '#catalog/model_row'
import type { StoredCapabilities } from '#catalog/catalog_types'
import {
  openRouterEnvelopeValidator,
  openRouterModelValidator,
} from '#catalog/validators/openrouter_models_validator'

export type OpenRouterModel = Infer<typeof openRouterModelValidator>

export class CatalogSyncError extends Error {}

export interface SyncOptions {
  /* Also add OpenRouter models nobody curated (as paid, BYOK, source 'openrouter'). */
  addAll?: boolean
  dryRun?: boolean
  timeoutMs?: number
}

export interface SyncReport {
  url: string
  fetched: number
  skippedInvalid: number
  updated: string[]
  unchanged: number
  /* Curated OpenRouter ids OpenRouter no longer lists: marked unavailable. */
  missing: string[]
  /* Previously missing ids that are back. */
  restored: string[]
  added: string[]
}

/*
|--------------------------------------------------------------------------
| models:sync
|--------------------------------------------------------------------------
|
| Refreshes the catalog from OpenRouter's public models API. Decision: only
| rows already in the table (the curated list) are updated, because the
| catalog is a product choice: which models appear, their labels and which
| need a paid plan are decided by people, and OpenRouter lists 300+ models
| that would drown the picker. Updated fields are the facts OpenRouter owns:
| prices, context length, vision/tools/reasoning/image output, availability.
| `--all` adds the rest as paid, BYOK-capable rows for operators who want a
| full catalog.
|
| Direct-vendor rows (gpt-5, claude-sonnet-4-5...) keep their curated
| values: OpenRouter does not describe the vendors' own endpoints.
|
*/
@inject()
export default class OpenRouterSyncService {
  constructor(
    protected endpoints: LlmEndpoints,
    protected platformKeys: PlatformKeys
  ) {}

  get modelsUrl(): string {
    return `${this.endpoints.urls.openrouter}/models`
  }

  async fetchModels(timeoutMs = 30_000): Promise<{ models: OpenRouterModel[]; skipped: number }> {
    const url = this.modelsUrl
    let response: Response
    try {
      const key = this.platformKeys.get('openrouter')
      response = await fetch(url, {
        headers: { accept: 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
        signal: AbortSignal.timeout(timeoutMs),
      })
    } catch (error) {
      const cause = (error as Error & { cause?: { code?: string; message?: string } }).cause
      const why =
        (error as Error).name === 'TimeoutError'
          ? `no answer within ${Math.round(timeoutMs / 1000)} s`
          : (cause?.code ?? cause?.message ?? (error as Error).message)
      throw new CatalogSyncError(`Could not reach OpenRouter at ${url}: ${why}`)
    }
    if (!response.ok) {
      await response.body?.cancel()
      throw new CatalogSyncError(`OpenRouter answered HTTP ${response.status} for ${url}`)
    }

    let payload: unknown
    try {
      payload = await response.json()
    } catch {
      throw new CatalogSyncError(`OpenRouter's answer from ${url} is not JSON`)
    }

    let envelope: { data: unknown[] }
    try {
      envelope = await openRouterEnvelopeValidator.validate(payload)
    } catch (error) {
      if (error instanceof vineErrors.E_VALIDATION_ERROR) {
        const first = (error.messages as Array<{ field: string; message: string }>)[0]
        throw new CatalogSyncError(
          `OpenRouter's answer from ${url} is not a models list (${first?.field}: ${first?.message})`
        )
      }
      throw error
    }

    const models: OpenRouterModel[] = []
    let skipped = 0
    for (const entry of envelope.data) {
      try {
        models.push(await openRouterModelValidator.validate(entry))
      } catch (error) {
        if (!(error instanceof vineErrors.E_VALIDATION_ERROR)) throw error
        skipped++
      }
    }
    if (envelope.data.length > 0 && models.length === 0) {
      throw new CatalogSyncError(`None of the ${envelope.data.length} models from ${url} is valid`)
    }
    return { models, skipped }
  }

  async sync(options: SyncOptions = {}): Promise<SyncReport> {
    const { models, skipped } = await this.fetchModels(options.timeoutMs)
    const byId = new Map(models.map((model) => [model.id, model]))
    const syncedAt = new Date().toISOString()
    const report: SyncReport = {
      url: this.modelsUrl,
      fetched: models.length,
      skippedInvalid: skipped,
      updated: [],
      unchanged: 0,
      missing: [],
      restored: [],
      added: [],
    }

    const rows = await AiModel.query().where('provider_name', 'openrouter')
    const known = new Set(rows.map((row) => row.modelId))
    for (const row of rows) {
      const upstream = byId.get(row.modelId)
      const previous = (row.capabilities ?? {}) as Partial<StoredCapabilities>
      if (!upstream) {
        if (row.isAvailable) {
          report.missing.push(row.modelId)
          row.isAvailable = false
          row.capabilities = { ...previous, synced_at: syncedAt }
          if (!options.dryRun) await row.save()
        }
        continue
      }

      const next = { ...previous, ...factsFrom(upstream, previous), synced_at: syncedAt }
      const changed = factsChanged(previous, next)
      if (!row.isAvailable) report.restored.push(row.modelId)
      else if (changed) report.updated.push(row.modelId)
      else report.unchanged++
      row.isAvailable = true
      row.capabilities = next
      if (!options.dryRun) await row.save()
    }

    if (options.addAll) {
      for (const model of models) {
        if (known.has(model.id)) continue
        report.added.push(model.id)
        if (options.dryRun) continue
        const { vendor, name } = splitName(model)
        const stored: StoredCapabilities = {
          ...factsFrom(model, {}),
          vendor,
          upstream_id: model.id,
          description: model.description ?? null,
          source: 'openrouter',
          synced_at: syncedAt,
        }
        await AiModel.updateOrCreate(
          { modelId: model.id },
          {
            providerName: 'openrouter',
            name,
            isAvailable: true,
            isByokSupported: true,
            // Nobody decided yet: paywalled by default.
            isPaidModel: true,
            capabilities: { ...stored },
          }
        )
      }
    }
    return report
  }
}

function perMillion(value: number | null | undefined): number | null {
  if (value === null || value === undefined || value < 0) return null
  return Math.round(value * 1_000_000 * 1_000_000) / 1_000_000
}

/* The capability facts OpenRouter states about a model. */
export function factsFrom(
  model: OpenRouterModel,
  previous: Partial<StoredCapabilities>
): Pick<
  StoredCapabilities,
  | 'vision'
  | 'reasoning'
  | 'tools'
  | 'image_generation'
  | 'web_search'
  | 'context_length'
  | 'input_price_per_million'
  | 'output_price_per_million'
> {
  const inputs = model.architecture?.input_modalities ?? []
  const outputs = model.architecture?.output_modalities ?? []
  const parameters = model.supported_parameters ?? []
  return {
    vision: inputs.includes('image'),
    image_generation: outputs.includes('image'),
    tools: parameters.includes('tools'),
    reasoning: parameters.includes('reasoning') || parameters.includes('include_reasoning'),
    // OpenRouter can add web search to any model; keep the curated flag unless it says so natively.
    web_search: previous.web_search === true || parameters.includes('web_search_options'),
    context_length: model.context_length ?? model.top_provider?.context_length ?? null,
    input_price_per_million: perMillion(model.pricing?.prompt),
    output_price_per_million: perMillion(model.pricing?.completion),
  }
}

function factsChanged(previous: Partial<StoredCapabilities>, next: Partial<StoredCapabilities>) {
  const before = capabilitiesOf(previous as Record<string, unknown>)
  const after = capabilitiesOf(next as Record<string, unknown>)
  return JSON.stringify(before) !== JSON.stringify(after)
}

/* "Anthropic: Claude Sonnet 4.5" -> vendor Anthropic, name Claude Sonnet 4.5. */
function splitName(model: OpenRouterModel): { vendor: string; name: string } {
  const full = model.name || model.id
  const colon = full.indexOf(': ')
  if (colon > 0) return { vendor: full.slice(0, colon), name: full.slice(colon + 2) }
  return { vendor: model.id.split('/')[0], name: full }
}
