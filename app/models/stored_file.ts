import { DateTime } from 'luxon'
import { belongsTo, column } from '@adonisjs/lucid/orm'
import type { BelongsTo } from '@adonisjs/lucid/types/relations'
import User from '#models/user'
import Message from '#models/message'
import { jsonColumn } from '#models/json_column'
import { UuidModel } from '#models/uuid_model'

/*
| Metadata of an uploaded file (table "files"); the bytes live in object
| storage at storagePath. Named StoredFile so it never shadows the global File.
*/
export default class StoredFile extends UuidModel {
  static table = 'files'

  @column()
  declare userId: string

  @column()
  declare messageId: string | null

  @column()
  declare fileName: string

  /* MIME type. */
  @column()
  declare fileType: string

  /* Bytes. */
  @column()
  declare fileSize: number

  @column()
  declare storagePath: string

  /* e.g. uploaded, processing, processed, failed */
  @column()
  declare status: string

  @column(jsonColumn())
  declare processingDetails: Record<string, unknown> | null

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime

  @belongsTo(() => User)
  declare user: BelongsTo<typeof User>

  @belongsTo(() => Message)
  declare message: BelongsTo<typeof Message>
}
