import { DateTime } from 'luxon'
import { compose } from '@adonisjs/core/helpers'
import { belongsTo, column } from '@adonisjs/lucid/orm'
import type { BelongsTo } from '@adonisjs/lucid/types/relations'
import User from '#models/user'
import { withAudit } from '#audit/auditable'
import { jsonColumn } from '#models/json_column'
import { UuidModel } from '#models/uuid_model'

export default class Subscription extends compose(UuidModel, withAudit()) {
  static table = 'subscriptions'

  @column()
  declare userId: string

  @column()
  declare planName: string

  /* e.g. active, cancelled, past_due */
  @column()
  declare status: string

  @column.dateTime()
  declare startDate: DateTime

  @column.dateTime()
  declare endDate: DateTime

  /* The gateway's own id for the subscription; unique. */
  @column()
  declare gatewaySubscriptionId: string

  @column(jsonColumn())
  declare details: Record<string, unknown> | null

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime

  @belongsTo(() => User)
  declare user: BelongsTo<typeof User>
}
