import { inject } from '@adonisjs/core'
import type { HttpContext } from '@adonisjs/core/http'
import DefaultModelService, { chooseDefaultModel } from '#catalog/services/default_model_service'
import { PROVIDER_LABELS } from '#catalog/catalog_types'

/*
| GET /api/models: the catalog, each model with whether this user can run it
| and, if not, why; and the model a new chat of theirs starts with.
*/
@inject()
export default class ModelsController {
  constructor(protected defaults: DefaultModelService) {}

  async index({ auth }: HttpContext) {
    const models = await this.defaults.modelsFor(auth.getUserOrFail())
    return {
      data: models.map(({ model, access }) => ({
        id: model.id,
        name: model.name,
        provider: model.provider,
        providerLabel: PROVIDER_LABELS[model.provider],
        vendor: model.vendor,
        description: model.description,
        isPaidModel: model.isPaidModel,
        isByokSupported: model.isByokSupported,
        capabilities: model.capabilities,
        access,
      })),
      defaultModelId: chooseDefaultModel(
        models.map(({ model, access }) => ({ id: model.id, access }))
      ),
    }
  }
}
