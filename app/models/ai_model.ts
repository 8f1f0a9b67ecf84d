import { randomUUID } from 'node:crypto'
import { DateTime } from 'luxon'
import { BaseModel, beforeCreate, column, hasMany } from '@adonisjs/lucid/orm'
import type { HasMany } from '@adonisjs/lucid/types/relations'
import UserModel from '#models/user_model'
import { booleanColumn, jsonColumn } from '#models/json_column'

/* An AI model of the catalogue (table "models"). */
export default class AiModel extends BaseModel {
  static table = 'models'
  static selfAssignPrimaryKey = true

  @column({ isPrimary: true })
  declare id: string

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

  @beforeCreate()
  static assignId(model: AiModel) {
    model.id ??= randomUUID()
  }
}
