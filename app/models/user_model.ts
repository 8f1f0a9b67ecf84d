import { DateTime } from 'luxon'
import { compose } from '@adonisjs/core/helpers'
import { belongsTo, column } from '@adonisjs/lucid/orm'
import type { BelongsTo } from '@adonisjs/lucid/types/relations'
import User from '#models/user'
import AiModel from '#models/ai_model'
import { withAudit } from '#audit/auditable'
import { booleanColumn, jsonColumn } from '#models/json_column'
import { UuidModel } from '#models/uuid_model'

/*
| A user's own API key (BYOK) for a model. apiKey must only ever hold
| ciphertext (sealed with the encryption service; keyVersion names the key
| that sealed it). It is never serialized and is redacted from audit rows.
*/
export default class UserModel extends compose(UuidModel, withAudit()) {
  static table = 'user_models'

  @column()
  declare userId: string

  /* References models.id (not the provider's identifier). Null on provider key rows. */
  @column()
  declare modelId: string | null

  /*
  | Set on BYOK key rows ('openrouter', 'openai', 'anthropic', 'google'): a key
  | belongs to a provider, one per user (migration 0040). Null on per-model rows.
  */
  @column()
  declare provider: string | null

  /* The key's last 4 characters, for the masked display; never more. */
  @column()
  declare keyHint: string | null

  @column({ serializeAs: null })
  declare apiKey: string

  @column()
  declare keyVersion: number

  @column(booleanColumn)
  declare isActive: boolean

  @column(jsonColumn())
  declare settings: Record<string, unknown> | null

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime

  @belongsTo(() => User)
  declare user: BelongsTo<typeof User>

  @belongsTo(() => AiModel, { foreignKey: 'modelId' })
  declare model: BelongsTo<typeof AiModel>
}
