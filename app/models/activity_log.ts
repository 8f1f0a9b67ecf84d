import { DateTime } from 'luxon'
import { belongsTo, column } from '@adonisjs/lucid/orm'
import type { BelongsTo } from '@adonisjs/lucid/types/relations'
import User from '#models/user'
import { jsonColumn } from '#models/json_column'
import { UuidModel } from '#models/uuid_model'

/* Something a user (or the system, userId null) did: sign-up, sign-in, a refused sync... */
export default class ActivityLog extends UuidModel {
  static table = 'activity_logs'

  @column()
  declare userId: string | null

  @column()
  declare eventName: string

  @column(jsonColumn())
  declare details: Record<string, unknown> | null

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @belongsTo(() => User)
  declare user: BelongsTo<typeof User>
}
