import { inject } from '@adonisjs/core'
import type { HttpContext } from '@adonisjs/core/http'
import UserKeysService from '#keys/services/user_keys_service'
import { providerParamValidator, saveKeyValidator } from '#keys/validators/key_validators'
import { BYOK_PROVIDERS, PROVIDER_LABELS } from '#catalog/catalog_types'

/*
| The user's provider keys. JSON only, whatever the Accept header: a failed
| validation must never take the HTML path that flashes the submitted input
| (the key) into the session.
*/
@inject()
export default class ApiKeysController {
  constructor(protected keys: UserKeysService) {}

  /* GET /settings/keys */
  async page({ auth, inertia }: HttpContext) {
    const user = auth.getUserOrFail()
    return inertia.render('settings/keys', {
      providers: BYOK_PROVIDERS.map((provider) => ({ provider, label: PROVIDER_LABELS[provider] })),
      keys: await this.keys.list(user.id),
    })
  }

  /* GET /api/keys */
  async index({ auth }: HttpContext) {
    return { data: await this.keys.list(auth.getUserOrFail().id) }
  }

  /* PUT /api/keys/:provider { apiKey } */
  async update({ auth, params, request, response }: HttpContext) {
    const payload = await saveKeyValidator.validate({
      provider: params.provider,
      apiKey: request.input('apiKey'),
    })
    const { key, replaced } = await this.keys.save(
      auth.getUserOrFail().id,
      payload.provider,
      payload.apiKey
    )
    return response.status(replaced ? 200 : 201).send({ data: key, replaced })
  }

  /* DELETE /api/keys/:provider */
  async destroy({ auth, params, response }: HttpContext) {
    const payload = await providerParamValidator.validate({ provider: params.provider })
    const deleted = await this.keys.delete(auth.getUserOrFail().id, payload.provider)
    if (!deleted) {
      return response.notFound({
        errors: [{ message: `You have no ${PROVIDER_LABELS[payload.provider]} key saved.` }],
      })
    }
    return response.noContent()
  }
}
