import { DateTime } from 'luxon'
import { belongsTo, column, hasMany } from '@adonisjs/lucid/orm'
import type { BelongsTo, HasMany } from '@adonisjs/lucid/types/relations'
import Chat from '#models/chat'
import StoredFile from '#models/stored_file'
import { jsonColumn } from '#models/json_column'
import { UuidModel } from '#models/uuid_model'

export const MESSAGE_ROLES = ['system', 'user', 'assistant', 'tool'] as const
export type MessageRole = (typeof MESSAGE_ROLES)[number]

/* The statuses LiveStore syncs (shared/livestore/schema.ts); the column itself is a free string. */
export type MessageStatus = 'complete' | 'streaming' | 'stopped' | 'error' | 'interrupted'

export interface MessageUsage {
  inputTokens: number
  outputTokens: number
}

/* A message of a chat; parentMessageId makes a chat a tree (edits and regenerations branch). */
export default class Message extends UuidModel {
  static table = 'messages'

  @column()
  declare chatId: string

  @column()
  declare parentMessageId: string | null

  @column()
  declare role: MessageRole

  @column()
  declare content: string

  /* Tool calls, RAG sources and the like. */
  @column(jsonColumn())
  declare metadata: Record<string, unknown> | null

  @column()
  declare status: MessageStatus

  /* The model that answered (assistant messages). */
  @column()
  declare model: string | null

  @column()
  declare finishReason: string | null

  @column()
  declare error: string | null

  @column(jsonColumn())
  declare usage: MessageUsage | null

  /* Cost of the answer in micros (millionths) of the billing currency, as LiveStore syncs it. */
  @column()
  declare costMicros: number | null

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime

  @belongsTo(() => Chat)
  declare chat: BelongsTo<typeof Chat>

  @belongsTo(() => Message, { foreignKey: 'parentMessageId' })
  declare parent: BelongsTo<typeof Message>

  @hasMany(() => Message, { foreignKey: 'parentMessageId' })
  declare children: HasMany<typeof Message>

  @hasMany(() => StoredFile)
  declare files: HasMany<typeof StoredFile>
}
