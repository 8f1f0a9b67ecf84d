import AiModel from '#models/ai_model'
import { catalogModels } from '#config/models'
import type { CatalogModel, CuratedModel, StoredCapabilities } from '#catalog/catalog_types'
import { storedCapabilities, toCatalogModel } from '#catalog/model_row'
import { mainSqlite } from '#core/main_sqlite'

/* Fields models:sync refreshes from OpenRouter; the boot seed keeps them once synced. */
const SYNC_OWNED = [
  'vision',
  'reasoning',
  'tools',
  'image_generation',
  'context_length',
  'input_price_per_million',
  'output_price_per_million',
] as const

export interface SeedReport {
  inserted: number
  updated: number
  retired: number
}

/*
| The `models` table as the rest of the app sees it. Seeding is idempotent
| (upsert by model_id) and runs at every boot: curated fields come from
| config/models.ts; once `models:sync` has refreshed a row, its synced
| prices/context/capabilities survive later boots. Curated rows that left
| the config (or the emulator in production) are retired (is_available =
| false), never deleted: user_models rows may still point at them.
*/
export default class ModelCatalogService {
  async seed(curated: CuratedModel[] = catalogModels()): Promise<SeedReport> {
    const report: SeedReport = { inserted: 0, updated: 0, retired: 0 }
    const rows = await AiModel.all()
    const existing = new Map(rows.map((row) => [row.modelId, row]))
    const wanted = new Set<string>()

    for (const model of curated) {
      wanted.add(model.id)
      const row = existing.get(model.id)
      if (!row) {
        try {
          await AiModel.create({
            providerName: model.provider,
            modelId: model.id,
            name: model.name,
            isAvailable: true,
            isByokSupported: model.byok,
            isPaidModel: model.paid,
            capabilities: { ...storedCapabilities(model) },
          })
        } catch (error) {
          // Another process seeding at the same moment inserted it first.
          if (!isUniqueViolation(error)) throw error
          continue
        }
        report.inserted++
        continue
      }

      const previous = (row.capabilities ?? {}) as Partial<StoredCapabilities>
      const next: StoredCapabilities = storedCapabilities(
        model,
        'config',
        previous.synced_at ?? null
      )
      if (previous.synced_at) {
        for (const field of SYNC_OWNED) {
          if (previous[field] !== undefined) (next as any)[field] = previous[field]
        }
      }
      row.merge({
        providerName: model.provider,
        name: model.name,
        isByokSupported: model.byok,
        isPaidModel: model.paid,
      })
      // A curated model comes back into service unless the last sync found it gone.
      if (!row.isAvailable && !previous.synced_at) row.isAvailable = true
      if (JSON.stringify(previous) !== JSON.stringify(next)) row.capabilities = { ...next }
      if (row.$isDirty) {
        await row.save()
        report.updated++
      }
    }

    for (const [modelId, row] of existing) {
      const source = (row.capabilities as Partial<StoredCapabilities> | null)?.source
      if (wanted.has(modelId) || source === 'openrouter' || !row.isAvailable) continue
      row.isAvailable = false
      await row.save()
      report.retired++
    }
    return report
  }

  /* Every model the catalog can offer now, in curated order then by name. */
  async list(): Promise<CatalogModel[]> {
    const order = new Map(catalogModels().map((model, index) => [model.id, index]))
    const rows = await AiModel.query().where('is_available', true)
    return rows
      .map((row) => toCatalogModel(row))
      .filter((model): model is CatalogModel => model !== null)
      .sort((a, b) => {
        const left = order.get(a.id) ?? Number.MAX_SAFE_INTEGER
        const right = order.get(b.id) ?? Number.MAX_SAFE_INTEGER
        return left - right || a.name.localeCompare(b.name)
      })
  }

  /*
  | One model by its catalog id (`anthropic/claude-sonnet-4.5`), available or
  | not. Every reply asks: the row through a prepared statement, decoded once
  | per version of the row (models:sync may change it from another process,
  | so the row is read each time; only its decoding is remembered).
  */
  async find(modelId: string): Promise<CatalogModel | null> {
    const row = await mainSqlite.get<Record<string, unknown>>(FIND_MODEL, [modelId])
    if (!row) return null
    const version = Object.values(row).join('\u0000')
    const cached = decoded.get(modelId)
    if (cached?.version === version) return cached.model
    const model = toCatalogModel(AiModel.$createFromAdapterResult(row)!)
    // Shared by every caller from now on: frozen, so no caller can change it for the others.
    if (model) Object.freeze(Object.freeze(model).capabilities)
    if (decoded.size >= MAX_DECODED) decoded.clear()
    decoded.set(modelId, { version, model })
    return model
  }
}

const FIND_MODEL = 'SELECT * FROM models WHERE model_id = ?'
/* Decoded models by catalog id, with the row they came from (a few hundred at most). */
const decoded = new Map<string, { version: string; model: CatalogModel | null }>()
const MAX_DECODED = 5_000

function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === '23505'
}
