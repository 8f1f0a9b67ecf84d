import type { ApplicationService } from '@adonisjs/core/types'
import { servesRequests } from '#core/app_lifecycle'

/*
| Models and keys: the API key vault as a singleton (its per-APP_KEY
| encryptors are derived once), the `models` table seeded from
| config/models.ts when the web server or tests start (after
| DatabaseProvider has migrated), and the development emulator stopped on
| shutdown.
*/
export default class LlmProvider {
  constructor(protected app: ApplicationService) {}

  async register() {
    const { default: ApiKeyVault } = await import('#keys/services/api_key_vault')
    this.app.container.singleton(ApiKeyVault, () => new ApiKeyVault())
  }

  async start() {
    if (!servesRequests(this.app)) return
    const { default: ModelCatalogService } = await import('#catalog/services/model_catalog_service')
    await new ModelCatalogService().seed()
  }

  async shutdown() {
    const { stopDevEmulator } = await import('#llm/emulator/dev_emulator')
    await stopDevEmulator()
  }
}
