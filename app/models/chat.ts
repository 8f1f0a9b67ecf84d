import { DateTime } from 'luxon'
import { belongsTo, column, hasMany } from '@adonisjs/lucid/orm'
import type { BelongsTo, HasMany } from '@adonisjs/lucid/types/relations'
import User from '#models/user'
import Message from '#models/message'
import { booleanColumn } from '#models/json_column'
import { UuidModel } from '#models/uuid_model'

/* Server copy of a chat the browser keeps in LiveStore (shared/livestore/schema.ts). */
export default class Chat extends UuidModel {
  static table = 'chats'

  @column()
  declare userId: string

  @column()
  declare title: string | null

  /* The provider's model identifier (models.model_id), e.g. "openai/gpt-4o". */
  @column()
  declare model: string | null

  @column()
  declare systemPrompt: string | null

  /* 0..2; null = the product default. */
  @column()
  declare temperature: number | null

  @column(booleanColumn)
  declare pinned: boolean

  /* The message at the tip of the branch shown; null = follow the newest message. */
  @column()
  declare activeLeafId: string | null

  /* Soft delete: the row stays until every device has seen the deletion. */
  @column.dateTime()
  declare deletedAt: DateTime | null

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime

  @belongsTo(() => User)
  declare user: BelongsTo<typeof User>

  @hasMany(() => Message)
  declare messages: HasMany<typeof Message>
}
