import { inject } from '@adonisjs/core'
import type User from '#models/user'
import { DEFAULT_MODEL_ID, EMULATOR_MODEL_ID } from '#config/models'
import ModelCatalogService from '#catalog/services/model_catalog_service'
import ModelAccessService, { type ModelAccess } from '#catalog/services/model_access_service'
import UserKeysService from '#keys/services/user_keys_service'

export interface ModelWithAccess {
  id: string
  access: ModelAccess
}

/*
| The model a new chat starts with, decided here rather than in the browser
| because it depends on what this user can run: the house default when they
| can; else the development emulator where it runs (development and tests,
| when no platform key serves the house default: a first message gets an
| answer instead of an "add a key" refusal); else the first model they can
| use; else the house default anyway, whose lock tells them how to unlock it.
| Production refuses the emulator, so there the default is always a real model.
*/
export function chooseDefaultModel(models: readonly ModelWithAccess[]): string {
  const usable = (id: string) => models.some((model) => model.id === id && model.access.usable)
  if (usable(DEFAULT_MODEL_ID)) return DEFAULT_MODEL_ID
  if (usable(EMULATOR_MODEL_ID)) return EMULATOR_MODEL_ID
  return models.find((model) => model.access.usable)?.id ?? DEFAULT_MODEL_ID
}

@inject()
export default class DefaultModelService {
  constructor(
    protected catalog: ModelCatalogService,
    protected access: ModelAccessService,
    protected userKeys: UserKeysService
  ) {}

  /* Every catalog model with whether `user` can run it (and why not). */
  async modelsFor(user: Pick<User, 'id' | 'isPayingUser'>) {
    const [models, keyProviders] = await Promise.all([
      this.catalog.list(),
      this.userKeys.providers(user.id),
    ])
    const subject = { isPayingUser: user.isPayingUser, keyProviders }
    return models.map((model) => ({ model, access: this.access.evaluate(model, subject) }))
  }

  async forUser(user: Pick<User, 'id' | 'isPayingUser'>): Promise<string> {
    const models = await this.modelsFor(user)
    return chooseDefaultModel(models.map(({ model, access }) => ({ id: model.id, access })))
  }
}
