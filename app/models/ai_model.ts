import { DateTime } from 'luxon'
import { column, hasMany } from '@adonisjs/lucid/orm'
import type { HasMany } from '@adonisjs/lucid/types/relations'
import UserModel from '#models/user_model'
import { booleanColumn, jsonColumn } from '#models/json_column'
import { UuidModel } from '#models/uuid_model'

/* An AI model of the catalogue (table "models"). */
export default class AiModel extends UuidModel {
  static table = 'models'

  @column()
  declare providerName: string

  /* The provider's / OpenRouter's identifier, e.g. "anthropic/claude-sonnet-4". */
  @column()
  declare modelId: string

  @column()
  declare name: string

  @column(booleanColumn)
  declare isAvailable: boolean

  @column(booleanColumn)
  declare isByokSupported: boolean

  @column(booleanColumn)
  declare isPaidModel: boolean

  /* e.g. { imageGeneration: true, webSearch: false } */
  @column(jsonColumn())
  declare capabilities: Record<string, unknown> | null

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime

  @hasMany(() => UserModel, { foreignKey: 'modelId' })
  declare userModels: HasMany<typeof UserModel>
}
