import { BaseCommand, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'

/*
| npm run ace -- models:sync [--all] [--dry-run]
| Seeds the curated catalog, then refreshes prices, context lengths,
| capabilities and availability from OpenRouter's models API
| (OPENROUTER_BASE_URL or https://openrouter.ai/api/v1).
*/
export default class ModelsSync extends BaseCommand {
  static commandName = 'models:sync'
  static description =
    'Refresh the model catalog (prices, context, capabilities, availability) from OpenRouter'

  static options: CommandOptions = { startApp: true }

  @flags.boolean({ description: 'Also add OpenRouter models that are not curated (as paid, BYOK)' })
  declare all: boolean

  @flags.boolean({ description: 'Show what would change without writing anything' })
  declare dryRun: boolean

  async run() {
    const { default: ModelCatalogService } = await import('#catalog/services/model_catalog_service')
    const { default: OpenRouterSyncService, CatalogSyncError } =
      await import('#catalog/services/openrouter_sync_service')

    try {
      if (!this.dryRun) await new ModelCatalogService().seed()
    } catch (error) {
      if (/no such table/i.test((error as Error).message)) {
        this.logger.error(
          'The models table does not exist yet: run `npm run ace -- migration:run` first'
        )
        this.exitCode = 1
        return
      }
      throw error
    }

    const service = await this.app.container.make(OpenRouterSyncService)
    this.logger.info(`Fetching ${service.modelsUrl}`)
    try {
      const report = await service.sync({ addAll: this.all, dryRun: this.dryRun })
      const prefix = this.dryRun ? '[dry run] ' : ''
      this.logger.success(
        `${prefix}${report.fetched} models from OpenRouter: ${report.updated.length} updated, ${report.unchanged} unchanged, ${report.restored.length} back, ${report.missing.length} missing, ${report.added.length} added`
      )
      for (const id of report.updated) this.logger.log(`  updated  ${id}`)
      for (const id of report.restored) this.logger.log(`  back     ${id}`)
      for (const id of report.missing) {
        this.logger.warning(`missing  ${id}: OpenRouter no longer lists it; marked unavailable`)
      }
      for (const id of report.added) this.logger.log(`  added    ${id}`)
      if (report.skippedInvalid > 0) {
        this.logger.warning(
          `${report.skippedInvalid} entries had an unexpected shape and were skipped`
        )
      }
    } catch (error) {
      if (error instanceof CatalogSyncError) {
        this.logger.error(error.message)
        this.exitCode = 1
        return
      }
      throw error
    }
  }
}
