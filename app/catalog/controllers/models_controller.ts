import { inject } from '@adonisjs/core'
import type { HttpContext } from '@adonisjs/core/http'
import ModelCatalogService from '#catalog/services/model_catalog_service'
import ModelAccessService from '#catalog/services/model_access_service'
import UserKeysService from '#keys/services/user_keys_service'
import { PROVIDER_LABELS } from '#catalog/catalog_types'

/* GET /api/models: the catalog, each model with whether this user can run it and, if not, why. */
@inject()
export default class ModelsController {
  constructor(
    protected catalog: ModelCatalogService,
    protected access: ModelAccessService,
    protected userKeys: UserKeysService
  ) {}

  async index({ auth }: HttpContext) {
    const user = auth.getUserOrFail()
    const [models, keyProviders] = await Promise.all([
      this.catalog.list(),
      this.userKeys.providers(user.id),
    ])
    const subject = { isPayingUser: user.isPayingUser, keyProviders }
    return {
      data: models.map((model) => ({
        id: model.id,
        name: model.name,
        provider: model.provider,
        providerLabel: PROVIDER_LABELS[model.provider],
        vendor: model.vendor,
        description: model.description,
        isPaidModel: model.isPaidModel,
        isByokSupported: model.isByokSupported,
        capabilities: model.capabilities,
        access: this.access.evaluate(model, subject),
      })),
    }
  }
}
